using System;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using HttpUpgrade.Testing;
using Xunit;
using Xunit.Abstractions;

namespace HttpUpgrade.Soak.Tests;

/// <summary>
/// The soak's CI variant: the soak command itself, as its own process against its own server process, with 200
/// sockets (50 of them negotiating permessage-deflate) exchanging checksummed messages for 30 seconds. It asserts what
/// does not depend on the machine's speed — every socket opened, every message echoed intact and in order, every
/// socket closed with the closing handshake — and leaves memory flatness, which 30 seconds cannot show, to the report.
/// </summary>
public sealed partial class SoakTests(ITestOutputHelper log)
{
    private const int Sockets = 200;
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task TwoHundredSocketsForThirtySecondsLoseAndCorruptNothingAndAllCloseCleanly()
    {
        // This assembly runs from tests/HttpUpgrade.Soak.Tests/bin/<Configuration>/<tfm>/; the client was built alike.
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string client = Path.Combine(RepositoryPaths.Root, "tests", "HttpUpgrade.Soak", "Client", "bin", output.Parent!.Name, output.Name, "HttpUpgrade.Soak.dll");
        Assert.True(File.Exists(client), $"The soak is not built at {client}.");
        string samples = Path.Combine(Directory.CreateTempSubdirectory("httpupgrade-soak-").FullName, "samples.csv");
        try
        {
            ProcessResult run = await Dotnet.RunAsync(
                RepositoryPaths.Root,
                [client, "--sockets", Sockets.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seconds", "30", "--deflate-share", "0.25", "--samples", samples],
                s_timeout);
            log.WriteLine($"soak: {run.Duration.TotalSeconds:F1} s");
            log.WriteLine(run.Output);

            Assert.Matches(@"server \(MapUpgrade \+ permessage-deflate\) listening on 127\.0\.0\.1:\d+", run.Output);
            Assert.Contains($"sockets opened: {Sockets} of {Sockets}", run.Output, StringComparison.Ordinal);
            Assert.Contains("permessage-deflate negotiated: 50 of 50 offered", run.Output, StringComparison.Ordinal);

            Match messages = MessagesLine().Match(run.Output);
            Assert.True(messages.Success, "No 'messages:' line in:\n" + run.Output);
            long sent = Count(messages.Groups["sent"].Value);

            // 200 sockets, one message every 5 s each, for 30 s: about 1,200; far fewer means the exchange did not run.
            Assert.True(sent >= 600, $"Only {sent} messages were sent.");
            Assert.Equal(sent, Count(messages.Groups["echoed"].Value));
            Assert.Equal("0", messages.Groups["lost"].Value);
            Assert.Equal("0", messages.Groups["corrupted"].Value);
            Assert.Contains($"closed cleanly (1000 both ways): {Sockets} of {Sockets}", run.Output, StringComparison.Ordinal);

            // Memory is sampled and reported, not judged: 30 s is shorter than the warm-up.
            Assert.Contains("| server working set (VmRSS) |", run.Output, StringComparison.Ordinal);
            Assert.Contains("not judged", run.Output, StringComparison.Ordinal);
            Assert.True(File.ReadAllLines(samples).Length >= 6, "Fewer than five memory samples in 30 s.");

            Assert.Contains("result: PASS", run.Output, StringComparison.Ordinal);
            Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}:\n{run.Output}");
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(samples)!, recursive: true);
        }
    }

    private static long Count(string value) => long.Parse(value.Replace(",", string.Empty, StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"messages: sent (?<sent>[\d,]+), echoed (?<echoed>[\d,]+), lost (?<lost>[\d,]+), corrupted (?<corrupted>[\d,]+)")]
    private static partial Regex MessagesLine();
}
