using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;
using HttpUpgrade.Testing;
using Xunit;

namespace HttpUpgrade.Deployment.Tests;

/// <summary>
/// The sample app (samples/UpgradeSample) as its own process on an ephemeral 127.0.0.1 port, as it is deployed behind
/// a proxy: its own Program, its own configuration, only the listening address (and optionally
/// <c>ForwardedHeaders:Enabled</c>) given on the command line. Stopped by killing its process.
/// </summary>
public sealed class SampleBackend : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _output = new();
    private readonly Process _process;

    private SampleBackend(Process process) => _process = process;

    /// <summary>The address proxies forward to, <c>127.0.0.1:port</c>.</summary>
    public string Address { get; private set; } = "";

    public string Output => string.Join("\n", _output);

    /// <summary>Starts the sample, with <c>UseForwardedHeaders</c> when <paramref name="forwardedHeaders"/> is true.</summary>
    public static async Task<SampleBackend> StartAsync(bool forwardedHeaders)
    {
        string sampleDirectory = Path.Combine(RepositoryPaths.Root, "samples", "UpgradeSample");

        // This assembly runs from tests/HttpUpgrade.Deployment.Tests/bin/<Configuration>/<tfm>/; the sample was built alike.
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string sampleDll = Path.Combine(sampleDirectory, "bin", testOutput.Parent!.Name, testOutput.Name, "UpgradeSample.dll");
        Assert.True(File.Exists(sampleDll), $"The sample is not built at {sampleDll}.");

        ProcessStartInfo start = Dotnet.CreateStartInfo(
            Dotnet.Executable,
            sampleDirectory,
            [
                sampleDll,
                "--Kestrel:Endpoints:Http:Url=http://127.0.0.1:0",
                "--ForwardedHeaders:Enabled=" + (forwardedHeaders ? "true" : "false"),
                "--Logging:Console:FormatterName=simple",
                "--Logging:Console:FormatterOptions:SingleLine=true",
            ],
            new System.Collections.Generic.Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Production" });
        var process = Process.Start(start) ?? throw new InvalidOperationException("The sample did not start.");
        var backend = new SampleBackend(process);
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, line) => backend.OnLine(line.Data, listening);
        process.ErrorDataReceived += (_, line) => backend.OnLine(line.Data, listening);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        Task first = await Task.WhenAny(listening.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(30)));
        if (first != listening.Task)
        {
            await backend.DisposeAsync();
            Assert.Fail($"The sample did not start listening. Output:\n{backend.Output}");
        }

        backend.Address = await listening.Task;
        return backend;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void OnLine(string? line, TaskCompletionSource<string> listening)
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

        // The sample's TLS and h2c upgrades add internal re-entry endpoints, which Kestrel lists too; they have no address.
        var uri = new Uri(line[(at + Marker.Length)..].Trim());
        if (uri.IsLoopback)
        {
            listening.TrySetResult($"127.0.0.1:{uri.Port}");
        }
    }
}
