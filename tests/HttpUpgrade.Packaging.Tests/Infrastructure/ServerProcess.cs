using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using HttpUpgrade.Testing;

namespace HttpUpgrade.Packaging.Tests.Infrastructure;

/// <summary>
/// A built app running on 127.0.0.1 with a port the OS picks, found in Kestrel's "Now listening on:" line. Disposing
/// stops it.
/// </summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromMinutes(1);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServerProcess(ProcessStartInfo start)
    {
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.Exited += (_, _) => _listening.TrySetException(new InvalidOperationException($"The app exited before it listened:\n{Output}"));
    }

    public Uri Address { get; private set; } = null!;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts <paramref name="fileName"/> (an apphost, or dotnet with the app's dll as first argument).</summary>
    public static async Task<ServerProcess> StartAsync(string fileName, string workingDirectory, params string[] arguments)
    {
        // An endpoint named Http, so an app whose settings name one (the sample) listens on the OS's port too.
        var allArguments = new List<string>(arguments) { "--Kestrel:Endpoints:Http:Url=http://127.0.0.1:0" };
        ProcessStartInfo start = Dotnet.CreateStartInfo(
            fileName,
            workingDirectory,
            allArguments,
            new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Production", ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information" });
        var server = new ServerProcess(start);
        server._process.Start();
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        try
        {
            server.Address = await server._listening.Task.WaitAsync(s_startTimeout);
        }
        catch (TimeoutException)
        {
            await server.DisposeAsync();
            throw new TimeoutException($"The app did not listen within {s_startTimeout}:\n{server.Output}");
        }

        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(deadline.Token);
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        Match listening = ListeningLine().Match(line);
        if (listening.Success)
        {
            _listening.TrySetResult(new Uri(listening.Groups["address"].Value));
        }
    }

    // An address with a port: the internal endpoints of connection upgrades are listed too, and listen on none.
    [GeneratedRegex(@"Now listening on: (?<address>http://[^\s/]+:\d+)")]
    private static partial Regex ListeningLine();
}
