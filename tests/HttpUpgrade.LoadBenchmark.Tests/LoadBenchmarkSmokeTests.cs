using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using HttpUpgrade.Testing;
using Xunit;
using Xunit.Abstractions;

namespace HttpUpgrade.LoadBenchmark.Tests;

/// <summary>
/// The load benchmark never runs as a timed test; this only shows that its smoke mode starts both servers, completes
/// upgrades against each, and reports. No assertion here depends on a number it measured.
/// </summary>
public sealed partial class LoadBenchmarkSmokeTests(ITestOutputHelper log)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(3);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SmokeModeStartsBothServersCompletesUpgradesAndPrintsTheRatioTable(bool fastPath)
    {
        // This assembly runs from tests/HttpUpgrade.LoadBenchmark.Tests/bin/<Configuration>/<tfm>/; the client was built alike.
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string client = Path.Combine(RepositoryPaths.Root, "tests", "HttpUpgrade.LoadBenchmark", "Client", "bin", output.Parent!.Name, output.Name, "HttpUpgrade.LoadBenchmark.dll");
        Assert.True(File.Exists(client), $"The load benchmark is not built at {client}.");
        string results = Directory.CreateTempSubdirectory("httpupgrade-loadbenchmark-").FullName;
        try
        {
            // --fast-path: server A is the same MapUpgrade app with UseUpgradeFastPath() on its listener.
            string[] arguments = fastPath ? [client, "--smoke", "--fast-path", "--results", results] : [client, "--smoke", "--results", results];
            string name = fastPath ? "smoke-fastpath" : "smoke";
            ProcessResult run = await Dotnet.RunAsync(RepositoryPaths.Root, arguments, s_timeout);
            log.WriteLine($"load benchmark --smoke: {run.Duration.TotalSeconds:F1} s");
            log.WriteLine(run.Output);

            Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}:\n{run.Output}");
            Assert.Matches(ServerListening("A", fastPath ? @"MapUpgrade \+ fast path" : "MapUpgrade"), run.Output);
            Assert.Matches(ServerListening("B", "UseWebSockets"), run.Output);

            Match completed = CompletedLine().Match(run.Output);
            Assert.True(completed.Success, "No 'completed upgrades' line in:\n" + run.Output);
            Assert.True(long.Parse(completed.Groups["a"].Value) > 0, "No upgrade completed against server A.");
            Assert.True(long.Parse(completed.Groups["b"].Value) > 0, "No upgrade completed against server B.");
            Assert.Equal("0", completed.Groups["errorsA"].Value);
            Assert.Equal("0", completed.Groups["errorsB"].Value);

            // One ratio table per concurrency, and one for the idle sockets, each with its metrics.
            foreach (int concurrency in new[] { 1, 16, 64 })
            {
                Assert.Contains($"concurrency {concurrency}: medians of", run.Output, StringComparison.Ordinal);
            }

            foreach (string metric in new[] { "upgrades/s", "handshake p50 (us)", "handshake p99 (us)", "first message p99 (us)", "server CPU-ms / 1,000 upgrades", "bytes allocated / upgrade" })
            {
                Assert.Equal(3, RatioRows(run.Output, metric));
            }

            Assert.Equal(1, RatioRows(run.Output, "working set with 50 idle sockets (MB)"));
            Assert.Contains("host steal over the whole benchmark:", run.Output, StringComparison.Ordinal);

            string[] ratios = File.ReadAllLines(Path.Combine(results, name + "-ratios.csv"));
            Assert.Equal("metric,c1,c16,c64,idle", ratios[0]);
            Assert.True(File.Exists(Path.Combine(results, name + ".json")));
            Assert.True(File.Exists(Path.Combine(results, name + "-runs.csv")));
        }
        finally
        {
            Directory.Delete(results, recursive: true);
        }
    }

    private static Regex ServerListening(string id, string label) => new($@"server {id} \({label}\) listening on 127\.0\.0\.1:\d+");

    /// <summary>Summary rows of a metric: its name, the medians of A and B, and a ratio A/B.</summary>
    private static int RatioRows(string output, string metric)
        => output.Split('\n').Count(line => Regex.IsMatch(line, "^" + Regex.Escape(metric) + @"\s+[\d,.]+\s+[\d,.]+\s+\d+\.\d\d\b"));

    [GeneratedRegex(@"completed upgrades: A=(?<a>\d+) B=(?<b>\d+); errors: A=(?<errorsA>\d+) B=(?<errorsB>\d+)")]
    private static partial Regex CompletedLine();
}
