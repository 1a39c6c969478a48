using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using HttpUpgrade.Packaging.Tests.Infrastructure;
using HttpUpgrade.Testing;
using Xunit;

namespace HttpUpgrade.Packaging.Tests;

/// <summary>
/// <c>dotnet pack</c> of HttpUpgrade, HttpUpgrade.AspNetCore and HttpUpgrade.Templates, from a copy of the repository
/// committed to a git repository of its own (as a clone is, so Source Link has a commit), into a folder feed. The version is a prerelease no
/// one else has, so a package of the same id in a NuGet cache or on nuget.org never stands in.
/// </summary>
public sealed class PackedFeed : IAsyncLifetime
{
    private static readonly TimeSpan s_packTimeout = TimeSpan.FromMinutes(10);

    /// <summary>The two library packages, the ones with assemblies.</summary>
    private static readonly string[] s_packedProjects = { "src/HttpUpgrade/HttpUpgrade.csproj", "src/HttpUpgrade.AspNetCore/HttpUpgrade.AspNetCore.csproj" };

    private const string TemplatesProject = "templates/HttpUpgrade.Templates/HttpUpgrade.Templates.csproj";

    private readonly Workspace _workspace = new("pack");

    public string Version { get; } = "0.1.0-ci" + Guid.NewGuid().ToString("N")[..12];

    public string Directory => Path.Combine(_workspace.Root, "feed");

    public TimeSpan PackDuration { get; private set; }

    /// <summary>The copy of the repository that was packed (its obj/ folders are left as pack left them).</summary>
    public string Repository { get; private set; } = string.Empty;

    /// <summary>The commit id of <see cref="Repository"/>.</summary>
    public string Commit { get; private set; } = string.Empty;

    public string HttpUpgradePackage => Path.Combine(Directory, $"HttpUpgrade.{Version}.nupkg");

    public string AspNetCorePackage => Path.Combine(Directory, $"HttpUpgrade.AspNetCore.{Version}.nupkg");

    public string TemplatesPackage => Path.Combine(Directory, $"HttpUpgrade.Templates.{Version}.nupkg");

    public async Task InitializeAsync()
    {
        Repository = _workspace.CopyRepository("repo");
        Commit = await Git.CommitEverythingAsync(Repository);
        PackDuration = await PackAsync(Repository, Directory, Version);
        PackDuration += await PackAsync(Repository, Directory, Version, projects: new[] { TemplatesProject });
    }

    /// <summary>
    /// Packs both library packages of <paramref name="repository"/> (or <paramref name="projects"/>) into
    /// <paramref name="output"/>; each pack's own <c>-p:</c> settings, by package id, come from <paramref name="properties"/>.
    /// </summary>
    public static async Task<TimeSpan> PackAsync(
        string repository, string output, string version, Func<string, IEnumerable<string>>? properties = null, IEnumerable<string>? projects = null)
    {
        TimeSpan duration = TimeSpan.Zero;
        foreach (string project in projects ?? s_packedProjects)
        {
            var arguments = new List<string> { "pack", project, "-c", "Release", "-o", output, $"-p:Version={version}", "--disable-build-servers", "-nologo", "-p:UseSharedCompilation=false" };
            arguments.AddRange(properties?.Invoke(Path.GetFileNameWithoutExtension(project)) ?? Array.Empty<string>());
            ProcessResult pack = await Dotnet.RunAsync(repository, arguments, s_packTimeout);
            Assert.True(pack.ExitCode == 0, $"dotnet pack {project} failed:\n{pack.Output}");
            duration += pack.Duration;
        }

        return duration;
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
