using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using HttpUpgrade.Testing;
using Xunit;

namespace HttpUpgrade.Sample.Tests.Infrastructure;

/// <summary>
/// One instance of the sample app (samples/UpgradeSample, built by this project's reference to it) as its own process,
/// on an ephemeral 127.0.0.1 port, started with the settings a deployment would pass on its command line.
/// </summary>
public sealed class SampleInstance : IDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);

    private readonly ServiceProcess _process;

    private SampleInstance(ServiceProcess process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public Uri HttpUri { get; private set; } = null!;

    public int Port => HttpUri.Port;

    public bool HasExited => _process.HasExited;

    public string Output => _process.Output;

    public int LineCount => _process.Lines.Count;

    /// <summary>Starts the sample with <paramref name="settings"/> (e.g. <c>Chat:Redis=127.0.0.1:6379</c>) and waits until it listens.</summary>
    public static async Task<SampleInstance> StartAsync(string name, params string[] settings)
    {
        string sampleDirectory = Path.Combine(RepositoryPaths.Root, "samples", "UpgradeSample");

        // This assembly runs from tests/HttpUpgrade.Sample.Tests/bin/<Configuration>/<tfm>/; the sample was built alike.
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string sampleDll = Path.Combine(sampleDirectory, "bin", testOutput.Parent!.Name, testOutput.Name, "UpgradeSample.dll");
        Assert.True(File.Exists(sampleDll), $"The sample is not built at {sampleDll}.");

        var arguments = new List<string>
        {
            sampleDll,
            "--Kestrel:Endpoints:Http:Url=http://127.0.0.1:0",
            "--Logging:LogLevel:HttpUpgrade.AspNetCore=Debug",
            "--Logging:LogLevel:UpgradeSample=Debug",
            "--Logging:Console:FormatterName=simple",
            "--Logging:Console:FormatterOptions:SingleLine=true",
        };
        arguments.AddRange(settings.Select(setting => "--" + setting));

        var process = ServiceProcess.Start(
            "dotnet", arguments, sampleDirectory, new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Production" });
        var instance = new SampleInstance(process, name);
        try
        {
            // Kestrel also lists the sample's internal TLS/h2c re-entry endpoints, which have no loopback address.
            string line = await process.WaitForLineAsync("Now listening on: http://127.0.0.1:", s_startTimeout);
            instance.HttpUri = new Uri(line[(line.IndexOf("http://", StringComparison.Ordinal))..].Trim());
        }
        catch
        {
            instance.Dispose();
            throw;
        }

        return instance;
    }

    /// <summary>Waits until a log line (from line <paramref name="skip"/> on) contains <paramref name="text"/>.</summary>
    public Task<string> WaitForLogAsync(string text, TimeSpan timeout, int skip = 0) => _process.WaitForLineAsync(text, timeout, skip);

    /// <summary>How many log lines contain <paramref name="text"/>.</summary>
    public int CountLog(string text) => _process.Lines.Count(line => line.Contains(text, StringComparison.Ordinal));

    public Task StopAsync() => _process.StopAsync(TimeSpan.FromSeconds(10));

    public void Dispose() => _process.Dispose();
}
