using System;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace HttpUpgrade.AspNetCore.Tests;

/// <summary>Node's <c>ws</c> package (tests/js) as a client no one here wrote.</summary>
public sealed class NodeWsClientTests(KestrelFixture server) : IClassFixture<KestrelFixture>
{
    [Fact]
    public async Task NodeWs_NegotiatesItsPreferredSubProtocol_AndGetsItsMessageEchoed()
    {
        string repoRoot = FindRepoRoot();
        string script = Path.Combine(repoRoot, "tests", "js", "ws-echo-client.mjs");
        if (!File.Exists(Path.Combine(repoRoot, "tests", "js", "node_modules", "ws", "package.json")))
        {
            Assert.Fail("tests/js/node_modules is missing: run `npm ci --prefix tests/js` first.");
        }

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = repoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(server.WebSocketUri("/ws").ToString());
        start.ArgumentList.Add("hello from node ws");

        using Process process = StartNode(start);
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"node did not finish within 20 s. stderr: {await stderr}");
        }

        Assert.True(process.ExitCode == 0, $"node exited with {process.ExitCode}. stderr: {await stderr}");
        using JsonDocument result = JsonDocument.Parse(await stdout);
        Assert.Equal("chat.v2", result.RootElement.GetProperty("protocol").GetString());
        Assert.Equal("hello from node ws", result.RootElement.GetProperty("echoed").GetString());
        Assert.Equal(1000, result.RootElement.GetProperty("closeCode").GetInt32());
    }

    private static Process StartNode(ProcessStartInfo start)
    {
        try
        {
            return Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        }
        catch (Win32Exception exception)
        {
            throw new InvalidOperationException("Node.js is required for this test: install node and run `npm ci --prefix tests/js`.", exception);
        }
    }

    private static string FindRepoRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Registry.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Registry.sln above {AppContext.BaseDirectory}.");
    }
}
