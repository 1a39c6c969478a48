using System;
using System.IO;
using System.Threading.Tasks;
using HttpUpgrade.Testing;
using Xunit;

namespace HttpUpgrade.Analyzers.Tests;

/// <summary>The analyzers as a user meets them: <c>dotnet build</c> of a project with a bad registration fails with UPG001.</summary>
public sealed class DotnetBuildTests
{
    private static readonly TimeSpan s_buildTimeout = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task DotnetBuild_ProjectWithBadProtocolName_FailsWithErrorUPG001()
    {
        string project = Path.Combine(Path.GetTempPath(), "httpupgrade-analyzers-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(project);
        try
        {
            string root = RepositoryPaths.Root;
            await File.WriteAllTextAsync(Path.Combine(project, "BadRegistration.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net{Environment.Version.ToString(2)}</TargetFramework>
                    <Nullable>enable</Nullable>
                  </PropertyGroup>
                  <ItemGroup>
                    <ProjectReference Include="{Path.Combine(root, "src", "HttpUpgrade", "HttpUpgrade.csproj")}" />
                    <ProjectReference Include="{Path.Combine(root, "analyzers", "HttpUpgrade.Analyzers", "HttpUpgrade.Analyzers.csproj")}"
                                      OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
                  </ItemGroup>
                </Project>
                """);
            await File.WriteAllTextAsync(Path.Combine(project, "ChatHandler.cs"), """
                using System.Net.WebSockets;
                using System.Threading;
                using System.Threading.Tasks;
                using HttpUpgrade;

                [UpgradeProtocol("web socket", Versions = "13")]
                public sealed class ChatHandler : IWebSocketHandler
                {
                    public Task OnConnectedAsync(WebSocket socket, UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;
                }
                """);

            // No build servers: nothing of this build may outlive it. -nologo and -v:q keep the output to the diagnostics.
            ProcessResult build = await Dotnet.RunAsync(
                project, ["build", "--disable-build-servers", "-nologo", "-v:q", "-p:UseSharedCompilation=false"], s_buildTimeout);
            (int exitCode, string output) = (build.ExitCode, build.Output);

            Assert.True(exitCode != 0, "dotnet build succeeded:\n" + output);
            const string Expected = "ChatHandler.cs(6,18): error UPG001: 'web socket' is not a valid protocol token: ' ' (space) at position 3 is not allowed";
            Assert.True(output.Contains(Expected, StringComparison.Ordinal), $"'{Expected}' is not in the output of dotnet build:\n{output}");
        }
        finally
        {
            Directory.Delete(project, recursive: true);
        }
    }
}
