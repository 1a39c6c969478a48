using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace HttpUpgrade.LoadBenchmark;

/// <summary>
/// One server app as a process of its own: <c>dotnet App.dll --urls http://127.0.0.1:0</c>, its port taken from the
/// <c>listening</c> line it prints. Its counters come from its <c>/stats</c> endpoint (garbage collector, CPU) and from
/// <c>/proc/PID/status</c> (resident set). Disposing kills it.
/// </summary>
internal sealed class ServerProcess : IDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly TaskCompletionSource<IPEndPoint> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<string> _otherOutput = new();

    private ServerProcess(ServerApp app, Process process)
    {
        App = app;
        _process = process;
    }

    public ServerApp App { get; }

    public IPEndPoint EndPoint { get; private set; } = null!;

    public int ProcessId => _process.Id;

    /// <summary>What the server printed besides its listening line (warnings and errors, at the log level both servers use).</summary>
    public IReadOnlyCollection<string> OtherOutput => _otherOutput;

    public static async Task<ServerProcess> StartAsync(ServerApp app, string dotnet)
    {
        if (!File.Exists(app.AssemblyPath))
        {
            throw new FileNotFoundException($"{app.Label} is not built at {app.AssemblyPath}; build the client project, which builds both servers.");
        }

        var start = new ProcessStartInfo(dotnet)
        {
            WorkingDirectory = Path.GetDirectoryName(app.AssemblyPath)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { app.AssemblyPath, "--urls", "http://127.0.0.1:0" })
        {
            start.ArgumentList.Add(argument);
        }

        // Same environment for both: production, nothing from the client's own dotnet run leaking in.
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["STOP_WHEN_STDIN_CLOSES"] = "1";
        start.Environment.Remove("HTTPUPGRADE_FAST_PATH");
        foreach ((string name, string value) in app.Environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        foreach (string name in new[] { "ASPNETCORE_URLS", "DOTNET_gcServer", "DOTNET_GCgen0size", "DOTNET_TieredCompilation", "DOTNET_TieredPGO", "DOTNET_ReadyToRun" })
        {
            start.Environment.Remove(name);
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var server = new ServerProcess(app, process);
        process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
        process.Exited += (_, _) => server._listening.TrySetException(
            new InvalidOperationException($"{app.Label} exited before it listened:\n{string.Join('\n', server._otherOutput)}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            server.EndPoint = await server._listening.Task.WaitAsync(s_startTimeout);
        }
        catch
        {
            server.Dispose();
            throw;
        }

        return server;
    }

    /// <summary>Reads the server's counters; with <paramref name="collect"/>, after a full blocking collection.</summary>
    public async Task<ServerStats> ReadStatsAsync(WireBytes wire, bool collect = false)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(EndPoint, timeout.Token);
        await socket.SendAsync(collect ? wire.StatsWithCollectionRequest : wire.StatsRequest, SocketFlags.None, timeout.Token);
        using var response = new MemoryStream();
        byte[] buffer = new byte[4096];
        int received;
        while ((received = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
        {
            response.Write(buffer, 0, received);
        }

        string text = Encoding.ASCII.GetString(response.GetBuffer(), 0, (int)response.Length);
        int bodyStart = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (!text.StartsWith("HTTP/1.1 200 ", StringComparison.Ordinal) || bodyStart < 0)
        {
            throw new InvalidOperationException($"{App.Label} answered /stats with: {text}");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in text[(bodyStart + 4)..].Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int equals = line.IndexOf('=', StringComparison.Ordinal);
            values[line[..equals]] = line[(equals + 1)..];
        }

        long Number(string name) => long.Parse(values[name], CultureInfo.InvariantCulture);
        return new ServerStats(
            Number("allocated_bytes"),
            TimeSpan.FromMicroseconds(Number("cpu_us")),
            TimeSpan.FromMicroseconds(Number("cpu_kernel_us")),
            Number("work_items"),
            Number("exceptions"),
            Number("heap_bytes"),
            Number("gen0"),
            Number("gen1"),
            Number("gen2"),
            bool.Parse(values["server_gc"]),
            values["runtime"]);
    }

    /// <summary>The resident set (VmRSS) from /proc, read without asking the server anything.</summary>
    public long ReadWorkingSetBytes()
    {
        foreach (string line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                string kilobytes = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"No VmRSS in /proc/{_process.Id}/status.");
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started, or already gone.
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        const string Listening = "listening ";
        if (line.StartsWith(Listening, StringComparison.Ordinal) && !_listening.Task.IsCompleted)
        {
            var address = new Uri(line[Listening.Length..].Trim());
            _listening.TrySetResult(new IPEndPoint(IPAddress.Parse(address.Host), address.Port));
            return;
        }

        if (_otherOutput.Count < 200)
        {
            _otherOutput.Enqueue(line);
        }
    }
}

/// <summary>One of the two apps compared, and where its build output is.</summary>
internal sealed record ServerApp(string Id, string Label, string AssemblyPath, IReadOnlyDictionary<string, string>? Environment = null);

/// <summary>A server's own counters at one moment.</summary>
internal sealed record ServerStats(
    long AllocatedBytes,
    TimeSpan Cpu,
    TimeSpan KernelCpu,
    long WorkItems,
    long Exceptions,
    long HeapBytes,
    long Gen0,
    long Gen1,
    long Gen2,
    bool ServerGc,
    string Runtime);
