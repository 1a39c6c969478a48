using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using HttpUpgrade.Testing;
using Xunit;

namespace HttpUpgrade.Browser.Tests;

/// <summary>
/// The sample app (samples/UpgradeSample) as its own process, built by this project's reference to it, listening on
/// 127.0.0.1 ephemeral ports: plain HTTP/1.1, and HTTPS with HTTP/1.1 and HTTP/2 under a self-signed certificate made
/// here. Its console log is kept so tests can see how each WebSocket arrived.
/// </summary>
public sealed class SampleServer : IAsyncLifetime
{
    private readonly ConcurrentQueue<string> _output = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("httpupgrade-sample-").FullName;
    private Process? _process;

    public Uri HttpUri { get; private set; } = null!;

    public Uri HttpsUri { get; private set; } = null!;

    public string Output => string.Join("\n", _output);

    public async Task InitializeAsync()
    {
        string sampleDirectory = Path.Combine(RepositoryPaths.Root, "samples", "UpgradeSample");

        // This assembly runs from tests/HttpUpgrade.Browser.Tests/bin/<Configuration>/<tfm>/; the sample was built alike.
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string sampleDll = Path.Combine(sampleDirectory, "bin", testOutput.Parent!.Name, testOutput.Name, "UpgradeSample.dll");
        Assert.True(File.Exists(sampleDll), $"The sample is not built at {sampleDll}.");

        string certificate = Path.Combine(_directory, "localhost.pfx");
        const string Password = "httpupgrade-test";
        await File.WriteAllBytesAsync(certificate, CreateSelfSignedCertificate().Export(X509ContentType.Pfx, Password));

        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = sampleDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[]
        {
            sampleDll,
            "--Kestrel:Endpoints:Http:Url=http://127.0.0.1:0",
            "--Kestrel:Endpoints:Https:Url=https://127.0.0.1:0",
            "--Kestrel:Endpoints:Https:Protocols=Http1AndHttp2",
            "--Kestrel:Endpoints:Https:Certificate:Path=" + certificate,
            "--Kestrel:Endpoints:Https:Certificate:Password=" + Password,
            "--Logging:LogLevel:HttpUpgrade.AspNetCore=Debug",
            "--Logging:Console:FormatterName=simple",
            "--Logging:Console:FormatterOptions:SingleLine=true",
        })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        _process = Process.Start(start) ?? throw new InvalidOperationException("The sample did not start.");
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _process.OutputDataReceived += (_, line) => OnLine(line.Data, listening);
        _process.ErrorDataReceived += (_, line) => OnLine(line.Data, listening);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        Task exited = _process.WaitForExitAsync();
        Task first = await Task.WhenAny(listening.Task, exited, Task.Delay(TimeSpan.FromSeconds(30)));
        Assert.True(first == listening.Task, $"The sample did not start listening. Output:\n{Output}");
    }

    /// <summary>Waits until the sample's log has a line containing <paramref name="text"/>.</summary>
    public async Task<string> WaitForLogAsync(string text, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            string? line = _output.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal));
            if (line is not null)
            {
                return line;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"No log line contains '{text}'. Output:\n{Output}");
    }

    public async Task DisposeAsync()
    {
        if (_process is not null)
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }

        Directory.Delete(_directory, recursive: true);
    }

    private void OnLine(string? line, TaskCompletionSource listening)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        const string Marker = "Now listening on: ";
        int at = line.IndexOf(Marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return;
        }

        var uri = new Uri(line[(at + Marker.Length)..].Trim());

        // The sample turns on TLS and h2c upgrades, whose internal re-entry endpoints Kestrel lists too; they listen on no address.
        if (!uri.IsLoopback)
        {
            return;
        }

        if (uri.Scheme == Uri.UriSchemeHttps)
        {
            HttpsUri = uri;
        }
        else
        {
            HttpUri = uri;
        }

        if (HttpUri is not null && HttpsUri is not null)
        {
            listening.TrySetResult();
        }
    }

    private static X509Certificate2 CreateSelfSignedCertificate()
    {
        using RSA key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: false));
        DateTimeOffset now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
    }
}
