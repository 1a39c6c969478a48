using System;
using System.Collections;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using HttpUpgrade.Analyzers.Tests.Infrastructure;
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

            (int exitCode, string output) = await RunDotnetBuildAsync(project);

            Assert.True(exitCode != 0, "dotnet build succeeded:\n" + output);
            const string Expected = "ChatHandler.cs(6,18): error UPG001: 'web socket' is not a valid protocol token: ' ' (space) at position 3 is not allowed";
            Assert.True(output.Contains(Expected, StringComparison.Ordinal), $"'{Expected}' is not in the output of dotnet build:\n{output}");
        }
        finally
        {
            Directory.Delete(project, recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunDotnetBuildAsync(string project)
    {
        string dotnet = Path.Combine(TestReferences.DotNetRoot, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        var start = new ProcessStartInfo(File.Exists(dotnet) ? dotnet : "dotnet")
        {
            WorkingDirectory = project,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // No build servers: nothing of this build may outlive it. -nologo and -v:q keep the output to the diagnostics.
        foreach (string argument in new[] { "build", "--disable-build-servers", "-nologo", "-v:q", "-p:UseSharedCompilation=false" })
        {
            start.ArgumentList.Add(argument);
        }

        // Settings the test host's own MSBuild set up would point the child at the wrong SDK or node.
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            if (variable.Key is string name && name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase))
            {
                start.Environment.Remove(name);
            }
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";

        using var process = new Process { StartInfo = start };
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(s_buildTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet build did not finish within {s_buildTimeout}:\n{output}");
        }

        process.WaitForExit();
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
