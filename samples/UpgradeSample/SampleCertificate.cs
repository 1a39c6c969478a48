using System;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace UpgradeSample;

/// <summary>
/// A self-signed certificate for <c>localhost</c>, made at startup, so the sample's TLS upgrade works on any machine
/// without a development certificate. A real server loads its certificate instead.
/// </summary>
internal static class SampleCertificate
{
    public static X509Certificate2 ForLocalhost()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        DateTimeOffset now = DateTimeOffset.UtcNow;
        using X509Certificate2 certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(30));

        // Export and reload so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
    }
}
