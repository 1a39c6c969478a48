using System;
using System.IO;
using System.Threading.Tasks;
using HttpUpgrade.Packaging.Tests.Infrastructure;
using HttpUpgrade.Testing;
using Xunit;

namespace HttpUpgrade.Packaging.Tests;

/// <summary>
/// <c>dotnet pack</c> of HttpUpgrade and HttpUpgrade.AspNetCore, from a copy of the repository, into a folder feed. The
/// version is a prerelease no one else has, so a package of the same id in a NuGet cache or on nuget.org never stands in.
/// </summary>
public sealed class PackedFeed : IAsyncLifetime
{
    private static readonly TimeSpan s_packTimeout = TimeSpan.FromMinutes(10);

    private readonly Workspace _workspace = new("pack");

    public string Version { get; } = "0.1.0-ci" + Guid.NewGuid().ToString("N")[..12];

    public string Directory => Path.Combine(_workspace.Root, "feed");

    public TimeSpan PackDuration { get; private set; }

    public string HttpUpgradePackage => Path.Combine(Directory, $"HttpUpgrade.{Version}.nupkg");

    public string AspNetCorePackage => Path.Combine(Directory, $"HttpUpgrade.AspNetCore.{Version}.nupkg");

    public async Task InitializeAsync()
    {
        string repository = _workspace.CopyRepository("repo");
        foreach (string project in new[] { "src/HttpUpgrade/HttpUpgrade.csproj", "src/HttpUpgrade.AspNetCore/HttpUpgrade.AspNetCore.csproj" })
        {
            ProcessResult pack = await Dotnet.RunAsync(
                repository,
                new[] { "pack", project, "-c", "Release", "-o", Directory, $"-p:Version={Version}", "--disable-build-servers", "-nologo", "-p:UseSharedCompilation=false" },
                s_packTimeout);
            Assert.True(pack.ExitCode == 0, $"dotnet pack {project} failed:\n{pack.Output}");
            PackDuration += pack.Duration;
        }
    }

    public Task DisposeAsync()
    {
        _workspace.Dispose();
        return Task.CompletedTask;
    }
}
