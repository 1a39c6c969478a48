using System;
using System.Globalization;
using System.IO;
using System.Threading.Tasks;

namespace HttpUpgrade.Sample.Tests.Infrastructure;

/// <summary>
/// Debian's nginx in front of two sample instances, configured by nginx/backplane.conf (copied beside this assembly):
/// runs in the foreground under a temporary prefix that holds its pid file, logs and temp folders; stopped by PID.
/// </summary>
public sealed class NginxProxy : IAsyncDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(20);

    private readonly string _prefix = Directory.CreateTempSubdirectory("httpupgrade-nginx-").FullName;
    private ServiceProcess? _process;

    private NginxProxy(int port) => Port = port;

    public int Port { get; }

    public Uri Uri => new($"http://127.0.0.1:{Port}/");

    public string ErrorLog => File.Exists(Path.Combine(_prefix, "error.log")) ? File.ReadAllText(Path.Combine(_prefix, "error.log")) : "";

    public static async Task<NginxProxy> StartAsync(int instanceA, int instanceB)
    {
        for (int attempt = 1; ; attempt++)
        {
            var proxy = new NginxProxy(FreePort.Next());
            try
            {
                await proxy.StartProcessAsync(instanceA, instanceB);
                return proxy;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // Another program took the free port first (nginx exits on bind() failure): another port.
                await proxy.DisposeAsync();
            }
            catch
            {
                await proxy.DisposeAsync();
                throw;
            }
        }
    }

    private async Task StartProcessAsync(int instanceA, int instanceB)
    {
        string template = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "nginx", "backplane.conf"));
        string configuration = template
            .Replace("{{INSTANCE_A}}", instanceA.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{{INSTANCE_B}}", instanceB.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{{LISTEN}}", Port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        string file = Path.Combine(_prefix, "nginx.conf");
        await File.WriteAllTextAsync(file, configuration);
        Directory.CreateDirectory(Path.Combine(_prefix, "temp"));

        // -e: the error log before the configuration is read (the built-in path is /var/log/nginx, not ours to write).
        // Debian installs nginx in /usr/sbin, which a non-root PATH may lack.
        string nginx = File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx";
        _process = ServiceProcess.Start(nginx, ["-p", _prefix, "-c", file, "-e", Path.Combine(_prefix, "error.log")], _prefix);

        // nginx prints nothing when it starts in the foreground: it is ready when its port accepts connections.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync(System.Net.IPAddress.Loopback, Port);
                return;
            }
            catch (System.Net.Sockets.SocketException) when (clock.Elapsed < s_startTimeout && !_process.HasExited)
            {
                await Task.Delay(50);
            }
            catch (System.Net.Sockets.SocketException exception)
            {
                throw new InvalidOperationException($"nginx did not listen on {Port}. Output:\n{_process.Output}\nerror.log:\n{ErrorLog}", exception);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            // SIGTERM: nginx's master stops its workers and exits (a SIGKILL would orphan the workers).
            await _process.StopAsync(TimeSpan.FromSeconds(10));
            _process.Dispose();
        }

        Directory.Delete(_prefix, recursive: true);
    }
}
