using System;
using System.IO;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace HttpUpgrade.Deployment.Tests;

/// <summary>
/// A self-signed certificate for <c>localhost</c> and 127.0.0.1, made for one test run, with which the proxies
/// terminate TLS: as PEM files for nginx (certificate and key apart) and HAProxy (both in one file), and as an
/// <see cref="X509Certificate2"/> for YARP's Kestrel.
/// </summary>
public sealed class ProxyCertificate : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("httpupgrade-proxy-tls-").FullName;

    public ProxyCertificate()
    {
        using RSA key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        DateTimeOffset now = DateTimeOffset.UtcNow;
        using X509Certificate2 created = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        string certificatePem = created.ExportCertificatePem();
        string keyPem = key.ExportPkcs8PrivateKeyPem();
        CertificateFile = Path.Combine(_directory, "proxy.crt");
        KeyFile = Path.Combine(_directory, "proxy.key");
        CombinedFile = Path.Combine(_directory, "proxy.pem");
        File.WriteAllText(CertificateFile, certificatePem + "\n");
        File.WriteAllText(KeyFile, keyPem + "\n");
        File.WriteAllText(CombinedFile, certificatePem + "\n" + keyPem + "\n");

        // Through PKCS#12, so that the private key is usable by SslStream on every platform.
        Certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>The certificate alone, PEM (nginx's <c>ssl_certificate</c>).</summary>
    public string CertificateFile { get; }

    /// <summary>The private key alone, PEM (nginx's <c>ssl_certificate_key</c>).</summary>
    public string KeyFile { get; }

    /// <summary>Certificate then key in one PEM file (HAProxy's <c>crt</c>).</summary>
    public string CombinedFile { get; }

    public X509Certificate2 Certificate { get; }

    public void Dispose()
    {
        Certificate.Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
