using System;
using System.IO;
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
public sealed class NativeAotTests(ITestOutputHelper log)
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

        string binary = NativeAotApp.AssertPublished(publish, publishDirectory, "UpgradeSample");
        await NativeAotApp.AssertChatAndEchoAsync(binary, publishDirectory);
    }
}
