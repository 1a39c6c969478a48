using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using HttpUpgrade.Packaging.Tests.Infrastructure;
using HttpUpgrade.Testing;
using Xunit;
using Xunit.Abstractions;

namespace HttpUpgrade.Packaging.Tests;

/// <summary>
/// Zero reflection, proven: the sample publishes with NativeAOT without one trim or AOT warning (IL2xxx, IL3xxx), and the
/// native binary completes a WebSocket and a raw upgrade.
/// </summary>
[Collection(DotnetCollection.Name)]
public sealed partial class NativeAotTests(ITestOutputHelper log)
{
    private static readonly TimeSpan s_publishTimeout = TimeSpan.FromMinutes(20);

    [Fact]
    public async Task TheSamplePublishesWithNativeAotWithoutWarningsAndUpgrades()
    {
        using var workspace = new Workspace("aot");
        string repository = workspace.CopyRepository("repo");
        string publishDirectory = Path.Combine(workspace.Root, "publish");

        ProcessResult publish = await Dotnet.RunAsync(
            Path.Combine(repository, "samples", "UpgradeSample"),
            new[] { "publish", "-c", "Release", "-o", publishDirectory, "--disable-build-servers", "-nologo", "-p:UseSharedCompilation=false" },
            s_publishTimeout);
        log.WriteLine($"dotnet publish (NativeAOT): {publish.Duration.TotalSeconds:F0} s");

        Assert.True(publish.ExitCode == 0, "dotnet publish failed:\n" + publish.Output);
        string[] warnings = TrimOrAotWarning().Matches(publish.Output).Select(m => m.Value).Distinct().ToArray();
        Assert.True(warnings.Length == 0, $"{string.Join(", ", warnings)} in:\n{publish.Output}");
        Assert.Contains("Generating native code", publish.Output, StringComparison.Ordinal);

        string binary = Path.Combine(publishDirectory, OperatingSystem.IsWindows() ? "UpgradeSample.exe" : "UpgradeSample");
        Assert.True(File.Exists(binary), $"No native binary in {publishDirectory}.");
        Assert.False(File.Exists(Path.Combine(publishDirectory, "UpgradeSample.dll")), "The publish output holds IL, not a native binary.");

        await using ServerProcess server = await ServerProcess.StartAsync(binary, publishDirectory);

        (string? subProtocol, string message) = await UpgradeClient.WebSocketAsync(server.Address, "/chat", "chat.v1", send: "hello, room");
        Assert.Equal("chat.v1", subProtocol);
        Assert.Equal("hello, room", message);

        (string head, string body) = await UpgradeClient.RawAsync(server.Address, "/chat", "echo/1", "raw bytes after the head");
        Assert.StartsWith("HTTP/1.1 101 Switching Protocols", head, StringComparison.Ordinal);
        Assert.Contains("Upgrade: echo/1", head, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("raw bytes after the head", body);
    }

    [GeneratedRegex(@"\bIL[23]\d{3}\b")]
    private static partial Regex TrimOrAotWarning();
}
