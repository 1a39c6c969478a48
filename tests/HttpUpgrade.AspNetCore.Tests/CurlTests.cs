using System;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using HttpUpgrade.Testing;
using Xunit;

namespace HttpUpgrade.AspNetCore.Tests;

/// <summary>curl with raw upgrade headers: a client that knows nothing of WebSocket sees the exact HTTP answers.</summary>
public abstract class CurlCases(KestrelFixture server)
{
    private static readonly string[] WebSocketHeaders =
    [
        "-H", "Connection: Upgrade",
        "-H", "Upgrade: websocket",
        "-H", "Sec-WebSocket-Version: 13",
        "-H", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
    ];

    [Fact]
    public async Task Curl_WebSocketHandshake_Gets101_WithTheAcceptValueAndSubprotocol()
    {
        // After the 101 the server waits for WebSocket frames curl never sends; --max-time ends curl, which then exits 28.
        ExternalProcess.Result result = await CurlAsync(["--max-time", "2", .. WebSocketHeaders, "-H", "Sec-WebSocket-Protocol: mqtt, chat.v1"], "/ws");

        Assert.Equal(28, result.ExitCode);
        string[] head = Head(result.StandardOutput);
        Assert.Equal(("HTTP/1.1", 101), StatusOf(head[0]));
        Assert.Contains("Upgrade: websocket", head);
        Assert.Contains("Connection: Upgrade", head);
        Assert.Contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", head);
        Assert.Contains("Sec-WebSocket-Protocol: chat.v1", head);
    }

    [Theory]
    [InlineData("RFC 9110 §15.5.22: a plain GET on an upgrade-only endpoint is 426", new string[0], 426, "Upgrade: websocket, echo/1, needs-service, whoami/1, park/1, boom/1")]
    [InlineData("RFC 6455 §10.2: a cross-site Origin is 403", new[] { "-H", "Origin: https://evil.example", "-H", "Sec-WebSocket-Protocol: chat.v1" }, 403, null)]
    [InlineData("RFC 6455 §4.4: an unsupported version is 426 listing the supported ones", new[] { "-H", "Sec-WebSocket-Version: 8", "-H", "Sec-WebSocket-Protocol: chat.v1" }, 426, "Sec-WebSocket-Version: 13")]
    [InlineData("RFC 9110 §10.1.1: an unknown expectation on an upgrade is 417", new[] { "-H", "Expect: fly", "-H", "Sec-WebSocket-Protocol: chat.v1" }, 417, null)]
    public async Task Curl_Refusals(string rule, string[] extra, int status, string? field)
    {
        // Later -H options for a header curl already sends replace it, so the defaults can be overridden per row.
        string[] headers = extra.Length == 0 ? [] : [.. WebSocketHeaders, .. extra];
        ExternalProcess.Result result = await CurlAsync(["--max-time", "5", .. headers], "/ws");

        Assert.True(result.ExitCode == 0, $"{rule}: curl exited with {result.ExitCode}: {result.StandardError}");
        string[] head = Head(result.StandardOutput);
        Assert.True(StatusOf(head[0]) == ("HTTP/1.1", status), $"{rule}: {head[0]}");
        if (field is not null)
        {
            // The field's list elements, in any order.
            string name = field[..field.IndexOf(':', StringComparison.Ordinal)];
            string line = Assert.Single(head, l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase));
            Assert.Equal(FieldValues.AsSet(field[(name.Length + 1)..]), FieldValues.AsSet(line[(name.Length + 1)..]));
        }

        Assert.Contains("Content-Type: text/plain; charset=utf-8", head);
        Assert.DoesNotContain(head, line => line.StartsWith("Sec-WebSocket-Accept", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Curl_Http10_Gets426()
    {
        ExternalProcess.Result result = await CurlAsync(["--http1.0", "--max-time", "5", .. WebSocketHeaders], "/ws");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(("HTTP/1.1", 426), StatusOf(Head(result.StandardOutput)[0]));
    }

    private async Task<ExternalProcess.Result> CurlAsync(string[] options, string path)
        => await ExternalProcess.RunAsync("curl", ["-sS", "-i", "-N", "--http1.1", .. options, $"http://127.0.0.1:{server.Port}{path}"], TimeSpan.FromSeconds(15));

    private static string[] Head(string output)
        => output.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n")[0].Split('\n').Select(line => line.TrimEnd()).ToArray();

    /// <summary>The HTTP-version and status code of a status line; its reason phrase is not part of the protocol (RFC 9112 §4).</summary>
    private static (string Version, int StatusCode) StatusOf(string statusLine)
    {
        string[] parts = statusLine.Split(' ', 3);
        return (parts[0], int.Parse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture));
    }
}

/// <summary>The cases of <see cref="CurlCases"/> against <c>MapUpgrade</c>, served by Kestrel's HTTP engine.</summary>
public sealed class CurlTests(KestrelFixture server) : CurlCases(server), IClassFixture<KestrelFixture>;

/// <summary>The cases of <see cref="CurlCases"/> on a listener with <c>UseUpgradeFastPath()</c>.</summary>
public sealed class CurlFastPathTests(FastPathKestrelFixture server) : CurlCases(server), IClassFixture<FastPathKestrelFixture>;
