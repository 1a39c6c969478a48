using System;
using System.IO;
using System.Text.Json;
using System.Threading.Tasks;
using HttpUpgrade.Testing;
using Xunit;

namespace HttpUpgrade.AspNetCore.Tests;

/// <summary>Node's <c>ws</c> package (tests/js) as a client no one here wrote: subprotocols, permessage-deflate on and off.</summary>
public abstract class NodeWsClientCases(KestrelFixture server)
{
    [Theory]
    [InlineData("RFC 6455 §4.2.2: ws's first choice is selected", "/ws", "chat.v2,chat.v1", "off", "chat.v2", "")]
    [InlineData("RFC 6455 §4.2.2: an unknown first choice falls through to the next", "/ws", "mqtt,chat.v1", "off", "chat.v1", "")]
    [InlineData("RFC 7692: ws's default offer is accepted where compression is on", "/deflate", "chat.v1", "on", "chat.v1", "permessage-deflate")]
    [InlineData("RFC 7692 §7.1.2: the server's smaller windows, within ws's offer", "/deflate-small", "chat.v1", "on",
        "chat.v1", "permessage-deflate; server_no_context_takeover; server_max_window_bits=10; client_max_window_bits=10")]
    [InlineData("RFC 7692: ws without compression on an endpoint that has it", "/deflate", "chat.v1", "off", "chat.v1", "")]
    [InlineData("RFC 7692: ws offering compression where it is off by default", "/ws", "chat.v1", "on", "chat.v1", "")]
    public async Task NodeWs_NegotiatesSubProtocolAndCompression_AndGetsItsMessageEchoed(
        string rule, string path, string protocols, string deflate, string expectedProtocol, string expectedExtensions)
    {
        ExternalProcess.Result result = await RunClientAsync(path, "--protocols", protocols, "--deflate", deflate, "--repeat", "500");

        Assert.True(result.ExitCode == 0, $"{rule}: node exited with {result.ExitCode}. stderr: {result.StandardError}");
        using JsonDocument json = JsonDocument.Parse(result.StandardOutput);
        JsonElement root = json.RootElement;
        Assert.True(expectedProtocol == root.GetProperty("protocol").GetString(), $"{rule}: protocol '{root.GetProperty("protocol")}'.");
        Assert.True(
            ExtensionList.Parse(expectedExtensions).Equals(ExtensionList.Parse(root.GetProperty("extensionsHeader").GetString())),
            $"{rule}: extensions '{root.GetProperty("extensionsHeader")}'.");
        Assert.Equal(expectedExtensions.Length == 0 ? "" : "permessage-deflate", root.GetProperty("extensions").GetString());
        Assert.True(root.GetProperty("echoedMatches").GetBoolean(), rule);
        Assert.Equal(1000, root.GetProperty("closeCode").GetInt32());
    }

    [Theory]
    [InlineData("Reject (default): only unknown subprotocols", "mqtt", "400")]
    [InlineData("Reject (default): no subprotocol while every handler requires one", "", "400")]
    public async Task NodeWs_IsRefused_WithTheStatusOfTheRule(string rule, string protocols, string status)
    {
        ExternalProcess.Result result = await RunClientAsync("/ws", "--protocols", protocols);

        Assert.True(result.ExitCode == 1, $"{rule}: node exited with {result.ExitCode}.");
        Assert.Contains($"server answered {status} instead of 101", result.StandardError, StringComparison.Ordinal);
    }

    private async Task<ExternalProcess.Result> RunClientAsync(string path, params string[] options)
    {
        string repoRoot = RepositoryPaths.Root;
        if (!File.Exists(Path.Combine(repoRoot, "tests", "js", "node_modules", "ws", "package.json")))
        {
            Assert.Fail("tests/js/node_modules is missing: run `npm ci --prefix tests/js` first.");
        }

        string script = Path.Combine(repoRoot, "tests", "js", "ws-echo-client.mjs");
        return await ExternalProcess.RunAsync("node", [script, server.WebSocketUri(path).ToString(), "hello from node ws ", .. options], TimeSpan.FromSeconds(20));
    }
}

/// <summary>The cases of <see cref="NodeWsClientCases"/> against <c>MapUpgrade</c>, served by Kestrel's HTTP engine.</summary>
public sealed class NodeWsClientTests(KestrelFixture server) : NodeWsClientCases(server), IClassFixture<KestrelFixture>;

/// <summary>The cases of <see cref="NodeWsClientCases"/> on a listener with <c>UseUpgradeFastPath()</c>.</summary>
public sealed class NodeWsClientFastPathTests(FastPathKestrelFixture server) : NodeWsClientCases(server), IClassFixture<FastPathKestrelFixture>;
