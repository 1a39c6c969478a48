using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using Xunit;

namespace HttpUpgrade.Deployment.Tests;

/// <summary>
/// nginx or HAProxy from Debian's packages, run in the foreground from a configuration of Proxies/ filled with a free
/// loopback port and the backend's address. Everything it writes (pid file, error log, temporary files) stays in its own
/// temporary directory, so it needs no root-owned path; it is stopped by killing its process (and nginx's worker).
/// </summary>
public sealed class ProxyProcess : ReverseProxy
{
    private const int Attempts = 3;

    private readonly Process _process;
    private readonly string _directory;
    private readonly ConcurrentQueue<string> _output;

    private ProxyProcess(string name, int port, int? tlsPort, Process process, string directory, ConcurrentQueue<string> output)
        : base(name, port, tlsPort)
    {
        _process = process;
        _directory = directory;
        _output = output;
    }

    public override string Log
    {
        get
        {
            string errorLog = Path.Combine(_directory, "error.log");
            string fromFile = File.Exists(errorLog) ? File.ReadAllText(errorLog) : "";
            return string.Join("\n", _output) + "\n" + fromFile;
        }
    }

    /// <summary>Starts nginx with <paramref name="template"/> (one of Proxies/nginx*.conf) in front of <paramref name="backend"/>.</summary>
    public static Task<ProxyProcess> StartNginxAsync(string template, string backend, ProxyCertificate certificate)
        => StartAsync(template, backend, certificate, "/usr/sbin/nginx", "nginx.conf", (directory, config) => ["-p", directory + "/", "-e", Path.Combine(directory, "error.log"), "-c", config]);

    /// <summary>Starts HAProxy with <paramref name="template"/> (one of Proxies/haproxy*.cfg) in front of <paramref name="backend"/>.</summary>
    public static Task<ProxyProcess> StartHaproxyAsync(string template, string backend, ProxyCertificate certificate)
        => StartAsync(template, backend, certificate, "/usr/sbin/haproxy", "haproxy.cfg", (_, config) => ["-f", config, "-db"]);

    private static async Task<ProxyProcess> StartAsync(
        string template,
        string backend,
        ProxyCertificate certificate,
        string executable,
        string configName,
        Func<string, string, string[]> arguments)
    {
        Assert.True(File.Exists(executable), $"{executable} is missing; .ci/run installs it.");
        string name = Path.GetFileNameWithoutExtension(template);
        string failures = "";
        for (int attempt = 1; attempt <= Attempts; attempt++)
        {
            string directory = Directory.CreateTempSubdirectory($"httpupgrade-{name}-").FullName;
            if (!OperatingSystem.IsWindows())
            {
                // Run as root, nginx's workers run as an unprivileged user and keep buffered bodies in temporary
                // directories under this one, which they must be able to enter.
                File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
            }

            int port = ProxyConfig.FreeLoopbackPort();
            string config = Path.Combine(directory, configName);
            string text = await File.ReadAllTextAsync(Path.Combine(ProxyConfig.Directory, template));
            int? tlsPort = text.Contains("{{LISTEN_TLS}}", StringComparison.Ordinal) ? ProxyConfig.FreeLoopbackPort() : null;
            await File.WriteAllTextAsync(config, ProxyConfig.Fill(template, new Dictionary<string, string>
            {
                ["LISTEN"] = $"127.0.0.1:{port}",
                ["LISTEN_TLS"] = $"127.0.0.1:{tlsPort}",
                ["BACKEND"] = backend,
                ["CERTIFICATE"] = certificate.CertificateFile,
                ["CERTIFICATE_KEY"] = certificate.KeyFile,
                ["CERTIFICATE_PEM"] = certificate.CombinedFile,
            }));

            var start = new ProcessStartInfo(executable)
            {
                WorkingDirectory = directory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string argument in arguments(directory, config))
            {
                start.ArgumentList.Add(argument);
            }

            var output = new ConcurrentQueue<string>();
            Process process = Process.Start(start) ?? throw new InvalidOperationException($"{executable} did not start.");
            process.OutputDataReceived += (_, line) => { if (line.Data is not null) output.Enqueue(line.Data); };
            process.ErrorDataReceived += (_, line) => { if (line.Data is not null) output.Enqueue(line.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            var proxy = new ProxyProcess(name, port, tlsPort, process, directory, output);
            if (await proxy.WaitUntilListeningAsync(port) && (tlsPort is not int secure || await proxy.WaitUntilListeningAsync(secure)))
            {
                return proxy;
            }

            // Most likely the port was taken between FreeLoopbackPort and the bind: try another one.
            failures += $"\nAttempt {attempt} on port {port}:\n{proxy.Log}";
            await proxy.DisposeAsync();
        }

        throw new InvalidOperationException($"{name} did not start listening.{failures}");
    }

    private async Task<bool> WaitUntilListeningAsync(int port)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            if (_process.HasExited)
            {
                return false;
            }

            try
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
                return true;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        return false;
    }

    public override async ValueTask DisposeAsync()
    {
        // nginx's master and worker processes: killing the tree leaves no worker holding the port.
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A worker that had not exited yet may still hold a temporary file; the directory is in the system's temp.
        }
    }
}
