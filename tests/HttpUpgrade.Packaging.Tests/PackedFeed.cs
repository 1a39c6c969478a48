using System;
using System.IO;
using System.Threading.Tasks;
using HttpUpgrade.Packaging.Tests.Infrastructure;
using HttpUpgrade.Testing;
using Xunit;

namespace HttpUpgrade.Packaging.Tests;

/// <summary>
/// <c>dotnet pack</c> of HttpUpgrade, HttpUpgrade.AspNetCore and HttpUpgrade.Templates, from a copy of the repository,
/// into a folder feed. The version is a prerelease no one else has, so a package of the same id in a NuGet cache or on
/// nuget.org never stands in.
/// </summary>
public sealed class PackedFeed : IAsyncLifetime
{
    private static readonly TimeSpan s_packTimeout = TimeSpan.FromMinutes(10);

    private static readonly string[] s_projects =
    {
        "src/HttpUpgrade/HttpUpgrade.csproj",
        "src/HttpUpgrade.AspNetCore/HttpUpgrade.AspNetCore.csproj",
        "templates/HttpUpgrade.Templates/HttpUpgrade.Templates.csproj",
    };

    private readonly Workspace _workspace = new("pack");

    public string Version { get; } = "0.1.0-ci" + Guid.NewGuid().ToString("N")[..12];

    public string Directory => Path.Combine(_workspace.Root, "feed");

    public TimeSpan PackDuration { get; private set; }

    public string HttpUpgradePackage => Path.Combine(Directory, $"HttpUpgrade.{Version}.nupkg");

    public string AspNetCorePackage => Path.Combine(Directory, $"HttpUpgrade.AspNetCore.{Version}.nupkg");

    public string TemplatesPackage => Path.Combine(Directory, $"HttpUpgrade.Templates.{Version}.nupkg");

    public async Task InitializeAsync()
    {
        string repository = _workspace.CopyRepository("repo");
        foreach (string project in s_projects)
        {
            ProcessResult pack = await Dotnet.RunAsync(
                repository,
                new[] { "pack", project, "-c", "Release", "-o", Directory, $"-p:Version={Version}", "--disable-build-servers", "-nologo", "-p:UseSharedCompilation=false" },
                s_packTimeout);
            Assert.True(pack.ExitCode == 0, $"dotnet pack {project} failed:\n{pack.Output}");
            PackDuration += pack.Duration;
        }
    }

    /// <summary>
    /// A NuGet.config for a project that consumes the feed: HttpUpgrade's packages from the feed alone, everything else
    /// from nuget.org. With <paramref name="fallbackFolder"/>, packages already extracted there (by the builds of this
    /// repository) are read from it instead of being downloaded again; the feed's version is in no such folder.
    /// </summary>
    public string NuGetConfig(string? fallbackFolder = null)
    {
        string fallback = fallbackFolder is null
            ? string.Empty
            : $"""

                  <fallbackPackageFolders>
                    <clear />
                    <add key="machine" value="{fallbackFolder}" />
                  </fallbackPackageFolders>
                """;
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{Directory}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="local">
                  <package pattern="HttpUpgrade" />
                  <package pattern="HttpUpgrade.*" />
                </packageSource>
                <packageSource key="nuget.org">
                  <package pattern="*" />
                </packageSource>
              </packageSourceMapping>{fallback}
            </configuration>
            """;
    }

    public Task DisposeAsync()
    {
        _workspace.Dispose();
        return Task.CompletedTask;
    }
}
