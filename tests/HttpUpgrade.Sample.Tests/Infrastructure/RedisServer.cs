using System;
using System.IO;
using System.Threading.Tasks;

namespace HttpUpgrade.Sample.Tests.Infrastructure;

/// <summary>
/// A real redis-server (Debian's package) on a free loopback port, with persistence off, so each start is an empty
/// server; stopped by its PID. <see cref="RestartAsync"/> kills it and starts a new one on the same port.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(20);

    private readonly string _directory = Directory.CreateTempSubdirectory("httpupgrade-redis-").FullName;
    private ServiceProcess? _process;

    private RedisServer(int port) => Port = port;

    public int Port { get; }

    /// <summary>The StackExchange.Redis configuration string for this server.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("redis-server is not running.");

    public static async Task<RedisServer> StartAsync()
    {
        for (int attempt = 1; ; attempt++)
        {
            var server = new RedisServer(FreePort.Next());
            try
            {
                await server.StartProcessAsync();
                return server;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // Another program took the free port first (redis-server exits on "Address already in use"): another port.
                await server.DisposeAsync();
            }
        }
    }

    /// <summary>A free port for a redis-server that is not started yet (<see cref="StartProcessAsync"/> starts it).</summary>
    public static RedisServer NotStarted() => new(FreePort.Next());

    /// <summary>Kills redis-server (SIGKILL: no goodbye to its clients), then starts a fresh one on the same port.</summary>
    public async Task RestartAsync(TimeSpan downtime)
    {
        await KillAsync();
        await Task.Delay(downtime);
        await StartProcessAsync();
    }

    public async Task KillAsync()
    {
        if (_process is not null)
        {
            await _process.KillAsync();
            _process.Dispose();
            _process = null;
        }
    }

    public async Task StartProcessAsync()
    {
        _process = ServiceProcess.Start(
            "redis-server",
            ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", _directory, "--daemonize", "no"],
            _directory);
        try
        {
            await _process.WaitForLineAsync("Ready to accept connections", s_startTimeout);
        }
        catch
        {
            await KillAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
