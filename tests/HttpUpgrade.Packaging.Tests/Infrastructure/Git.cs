using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading.Tasks;
using HttpUpgrade.Testing;

namespace HttpUpgrade.Packaging.Tests.Infrastructure;

/// <summary>
/// Makes a copy of the sources a git repository, as a clone of the project is, so that Source Link has a commit to
/// point to. The copy has no remote, like a clone made from a local path.
/// </summary>
internal static class Git
{
    // A fixed author, committer and date: the same files give the same commit id in any folder, on any machine.
    private static readonly Dictionary<string, string> s_environment = new()
    {
        ["GIT_AUTHOR_NAME"] = "HttpUpgrade packaging tests",
        ["GIT_AUTHOR_EMAIL"] = "packaging-tests@httpupgrade.invalid",
        ["GIT_AUTHOR_DATE"] = "2026-01-01T00:00:00+0000",
        ["GIT_COMMITTER_NAME"] = "HttpUpgrade packaging tests",
        ["GIT_COMMITTER_EMAIL"] = "packaging-tests@httpupgrade.invalid",
        ["GIT_COMMITTER_DATE"] = "2026-01-01T00:00:00+0000",
    };

    /// <summary>Commits every file under <paramref name="directory"/> in a new repository; returns the commit id.</summary>
    public static async Task<string> CommitEverythingAsync(string directory)
    {
        await RunAsync(directory, "-c", "init.defaultBranch=main", "init", "-q");
        await RunAsync(directory, "add", "-A");
        await RunAsync(directory, "-c", "commit.gpgsign=false", "commit", "-q", "-m", "Sources as packed");
        return (await RunAsync(directory, "rev-parse", "HEAD")).Trim();
    }

    /// <summary>The paths of the files the commit holds, relative to <paramref name="directory"/>, with '/' separators.</summary>
    public static async Task<string[]> TrackedFilesAsync(string directory)
        => (await RunAsync(directory, "ls-files")).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static async Task<string> RunAsync(string directory, params string[] arguments)
    {
        ProcessStartInfo start = Dotnet.CreateStartInfo("git", directory, arguments, s_environment);
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await output}{await error}");
        }

        return await output;
    }
}
