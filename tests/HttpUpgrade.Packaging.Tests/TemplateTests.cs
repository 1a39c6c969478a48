using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using HttpUpgrade.Packaging.Tests.Infrastructure;
using HttpUpgrade.Testing;
using Xunit;
using Xunit.Abstractions;

namespace HttpUpgrade.Packaging.Tests;

/// <summary>
/// <c>dotnet new httpupgrade</c> as a user meets it: the template package installed from the feed, a new app and its
/// tests created from it, built with no warning, its tests passed, and the app published with NativeAOT.
/// </summary>
[Collection(DotnetCollection.Name)]
public sealed partial class TemplateTests(PackedFeed feed, ITestOutputHelper log)
{
    private static readonly TimeSpan s_newTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan s_buildTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan s_publishTimeout = TimeSpan.FromMinutes(20);

    [Fact]
    public async Task ANewAppBuildsWithoutWarningsPassesItsTestsAndPublishesWithNativeAot()
    {
        using var workspace = new Workspace("template");
        string hive = Path.Combine(workspace.Root, "hive");
        string solution = Path.Combine(workspace.Root, "app");
        workspace.Write("NuGet.config", feed.NuGetConfig(MachinePackagesFolder()));
        var environment = new Dictionary<string, string>
        {
            // A package folder of its own: no HttpUpgrade package cached by another build can stand in for the feed's.
            ["NUGET_PACKAGES"] = Path.Combine(workspace.Root, "packages"),

            // dotnet new keeps its settings and installed templates here, and with --debug:custom-hive the template
            // cache too: the user's own templates are neither read nor changed.
            ["DOTNET_CLI_HOME"] = Path.Combine(workspace.Root, "home"),
        };

        ProcessResult install = await Dotnet.RunAsync(
            workspace.Root, new[] { "new", "install", feed.TemplatesPackage, "--debug:custom-hive", hive }, s_newTimeout, environment);
        Assert.True(install.ExitCode == 0, "dotnet new install failed:\n" + install.Output);
        Assert.Contains("httpupgrade", install.Output, StringComparison.Ordinal);

        ProcessResult create = await Dotnet.RunAsync(
            workspace.Root, new[] { "new", "httpupgrade", "-n", "SomeApp", "-o", solution, "--debug:custom-hive", hive }, s_newTimeout, environment);
        Assert.True(create.ExitCode == 0, "dotnet new httpupgrade failed:\n" + create.Output);

        // sourceName renames the projects, and the package version defaults to the one packed with the template.
        Assert.True(File.Exists(Path.Combine(solution, "SomeApp.slnx")), "No SomeApp.slnx:\n" + create.Output);
        string project = File.ReadAllText(Path.Combine(solution, "SomeApp", "SomeApp.csproj"));
        Assert.Contains($"<PackageReference Include=\"HttpUpgrade.AspNetCore\" Version=\"{feed.Version}\" />", project, StringComparison.Ordinal);
        Assert.Contains("<ProjectReference Include=\"../SomeApp/SomeApp.csproj\" />", File.ReadAllText(Path.Combine(solution, "SomeApp.Tests", "SomeApp.Tests.csproj")), StringComparison.Ordinal);
        Assert.Contains("namespace SomeApp;", File.ReadAllText(Path.Combine(solution, "SomeApp", "Handlers.cs")), StringComparison.Ordinal);

        ProcessResult build = await Dotnet.RunAsync(
            solution, new[] { "build", "--disable-build-servers", "-nologo", "-p:UseSharedCompilation=false" }, s_buildTimeout, environment);
        Assert.True(build.ExitCode == 0, "dotnet build failed:\n" + build.Output);
        Assert.Contains("0 Warning(s)", build.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(" warning ", build.Output, StringComparison.OrdinalIgnoreCase);

        ProcessResult test = await Dotnet.RunAsync(solution, new[] { "test", "--no-build", "-nologo" }, s_buildTimeout, environment);
        Assert.True(test.ExitCode == 0, "dotnet test failed:\n" + test.Output);
        Match summary = TestSummary().Match(test.Output);
        Assert.True(summary.Success, "No test summary in:\n" + test.Output);
        Assert.Equal("0", summary.Groups["failed"].Value);
        Assert.True(int.Parse(summary.Groups["passed"].Value) >= 3, "The template's tests did not all run:\n" + test.Output);

        string publishDirectory = Path.Combine(workspace.Root, "publish");
        ProcessResult publish = await Dotnet.RunAsync(
            solution,
            new[]
            {
                "publish", Path.Combine("SomeApp", "SomeApp.csproj"), "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier, "-p:PublishAot=true",
                "-o", publishDirectory, "--disable-build-servers", "-nologo", "-p:UseSharedCompilation=false",
            },
            s_publishTimeout,
            environment);
        log.WriteLine(
            $"dotnet new install {install.Duration.TotalSeconds:F0} s, new {create.Duration.TotalSeconds:F0} s, build {build.Duration.TotalSeconds:F0} s, "
            + $"test {test.Duration.TotalSeconds:F0} s, publish (NativeAOT) {publish.Duration.TotalSeconds:F0} s");

        string binary = NativeAotApp.AssertPublished(publish, publishDirectory, "SomeApp");
        await NativeAotApp.AssertChatAndEchoAsync(binary, publishDirectory);
    }

    /// <summary>
    /// The machine's NuGet package folder, where the repository's own restore and the sample's NativeAOT publish left
    /// xunit, the test SDK and the NativeAOT compiler; read as a fallback folder, it spares downloading them again.
    /// </summary>
    private static string? MachinePackagesFolder()
    {
        string? folder = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrEmpty(folder))
        {
            folder = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        }

        return Directory.Exists(folder) ? folder : null;
    }

    // vstest's closing line: "Passed!  - Failed:     0, Passed:     3, Skipped:     0, Total:     3, ...".
    [GeneratedRegex(@"Failed:\s+(?<failed>\d+), Passed:\s+(?<passed>\d+), Skipped:\s+0")]
    private static partial Regex TestSummary();
}
