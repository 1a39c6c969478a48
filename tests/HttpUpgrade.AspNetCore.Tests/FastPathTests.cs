using System;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace HttpUpgrade.AspNetCore.Tests;

/// <summary>
/// What is particular to <c>UseUpgradeFastPath()</c>: that it answers handshakes itself, byte for byte as
/// <c>MapUpgrade</c> does through Kestrel's HTTP engine, and that every request it does not fully understand, or may not
/// answer, reaches Kestrel with its bytes untouched. Each answer is compared with the answer of the same app without the
/// fast path (<see cref="KestrelFixture"/>) to the same bytes, the <c>Date</c> value aside.
/// </summary>
public sealed partial class FastPathTests(KestrelFixture mapUpgrade, FastPathKestrelFixture fastPath, ITestOutputHelper output)
    : IClassFixture<KestrelFixture>, IClassFixture<FastPathKestrelFixture>
{
    private const string Handshake = "Host: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    private const string Chat = "Sec-WebSocket-Protocol: chat.v1\r\n";

    public static TheoryData<string, string> Served => new()
    {
        { "RFC 6455 §4.2.2: a valid handshake, 101 with the accept value and the subprotocol", $"GET /ws HTTP/1.1\r\n{Handshake}{Chat}\r\n" },
        { "Routing compares literal paths case-insensitively", $"GET /WS HTTP/1.1\r\n{Handshake}{Chat}\r\n" },
        { "A query is not part of the route", $"GET /ws?room=7&x=y HTTP/1.1\r\n{Handshake}{Chat}\r\n" },
        { "RFC 7692: permessage-deflate where the endpoint offers it", $"GET /deflate-small HTTP/1.1\r\n{Handshake}{Chat}Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n" },
        { "A raw token switches with Connection and Upgrade only", "GET /echo-only HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: echo/1\r\n\r\n" },
        { "Content-Length: 0 is no content", $"GET /ws HTTP/1.1\r\n{Handshake}{Chat}Content-Length: 0\r\n\r\n" },
        { "RFC 6455 §4.4: an unsupported version is 426 with the versions", $"GET /ws HTTP/1.1\r\n{Handshake.Replace("Version: 13", "Version: 8", StringComparison.Ordinal)}{Chat}\r\n" },
        { "RFC 6455 §4.2.1 item 5: a missing key is 400", $"GET /ws HTTP/1.1\r\n{Handshake.Replace("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", "", StringComparison.Ordinal)}{Chat}\r\n" },
        { "RFC 6455 §10.2: a cross-site Origin is 403", $"GET /ws HTTP/1.1\r\n{Handshake}{Chat}Origin: https://evil.example\r\n\r\n" },
        { "No agreed subprotocol is 400", $"GET /ws HTTP/1.1\r\n{Handshake}Sec-WebSocket-Protocol: mqtt\r\n\r\n" },
        { "MapUpgrade<RawEchoHandler>: 426 naming only its protocol", $"GET /echo-only HTTP/1.1\r\n{Handshake}{Chat}\r\n" },
        { "RFC 9110 §7.8: Upgrade without the upgrade option is 426", $"GET /ws HTTP/1.1\r\n{Handshake.Replace("Connection: Upgrade", "Connection: keep-alive", StringComparison.Ordinal)}{Chat}\r\n" },
        { "Fields the negotiator does not read are ignored", $"GET /ws HTTP/1.1\r\nUser-Agent: test/1.0\r\nAccept: */*\r\n{Handshake}{Chat}Cookie: a=b\r\n\r\n" },
        { "RFC 9110 §15.6.4: an endpoint at its connection cap is 503 with Retry-After", $"GET /full HTTP/1.1\r\n{Handshake}{Chat}\r\n" },
        { "RFC 9110 §15.6.4: the cap refuses a raw token the same way", "GET /full HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: echo/1\r\n\r\n" },
    };

    public static TheoryData<string, string, string> Declined => new()
    {
        { "RFC 9112 §2.2: a field line ending in a bare LF", $"GET /ws HTTP/1.1\r\nHost: 127.0.0.1\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n{Chat}\r\n", "LineEnding" },
        { "RFC 9112 §2.2: a request line ending in a bare LF", $"GET /ws HTTP/1.1\n{Handshake}{Chat}\r\n", "RequestLine" },
        { "RFC 9112 §5.2: obs-fold", $"GET /ws HTTP/1.1\r\n{Handshake}Sec-WebSocket-Protocol: chat.v2,\r\n chat.v1\r\n\r\n", "ObsFold" },
        { "RFC 9110 §5.5: a control character in a value", $"GET /ws HTTP/1.1\r\n{Handshake}{Chat}X-Note: a\u0001b\r\n\r\n", "FieldSyntax" },
        { "RFC 9110 §5.5: obs-text (a Latin-1 byte) in a value", $"GET /ws HTTP/1.1\r\n{Handshake}{Chat}X-Note: caf\u00e9\r\n\r\n", "FieldSyntax" },
        { "RFC 9112 §5.1: whitespace between a field name and the colon", $"GET /ws HTTP/1.1\r\n{Handshake}Sec-WebSocket-Protocol : chat.v1\r\n\r\n", "FieldSyntax" },
        { "RFC 9112 §6.1: Transfer-Encoding", $"GET /ws HTTP/1.1\r\n{Handshake}{Chat}Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "Framing" },
        { "RFC 9112 §6.2: a Content-Length other than 0", $"GET /ws HTTP/1.1\r\n{Handshake}{Chat}Content-Length: 5\r\n\r\nhello", "Framing" },
        { "RFC 9110 §10.1.1: Expect", $"GET /ws HTTP/1.1\r\n{Handshake}{Chat}Expect: 100-continue\r\n\r\n", "Framing" },
        { "RFC 9112 §3.2: two Host field lines", $"GET /ws HTTP/1.1\r\n{Handshake}{Chat}Host: 127.0.0.1\r\n\r\n", "Host" },
        { "RFC 9112 §3.2: no Host", $"GET /ws HTTP/1.1\r\n{Handshake.Replace("Host: 127.0.0.1\r\n", "", StringComparison.Ordinal)}{Chat}\r\n", "Host" },
        { "RFC 9112 §3.2.2: an absolute-form target", $"GET http://127.0.0.1/ws HTTP/1.1\r\n{Handshake}{Chat}\r\n", "NotGet" },
        { "RFC 3986 §2.1: a percent-encoded path (Kestrel decodes it)", $"GET /w%73 HTTP/1.1\r\n{Handshake}{Chat}\r\n", "RequestLine" },
        { "RFC 9110 §7.8: HTTP/1.0", $"GET /ws HTTP/1.0\r\n{Handshake}{Chat}\r\n", "RequestLine" },
        { "RFC 6455 §4.1: a method other than GET", $"POST /ws HTTP/1.1\r\n{Handshake}{Chat}\r\n", "NotGet" },
        { "A path that is not a MapUpgrade literal (trailing slash)", $"GET /ws/ HTTP/1.1\r\n{Handshake}{Chat}\r\n", "Path" },
        { "Not an upgrade request", "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", "NotUpgrade" },
        { "More field lines than Kestrel's MaxRequestHeaderCount", $"GET /ws HTTP/1.1\r\n{Handshake}{Chat}{string.Concat(Enumerable.Range(0, 100).Select(i => $"X-{i}: {i}\r\n"))}\r\n", "Limits" },
    };

    [Fact]
    public async Task AHandshake_IsServedByTheFastPath_AndLoggedAsSuch()
    {
        int before = Count(fastPath, "FastPathServed");
        await using RawConnection connection = await RawConnection.OpenAsync(fastPath.Port);
        await connection.SendAsync($"GET /ws HTTP/1.1\r\n{Handshake}{Chat}\r\n");
        Assert.Equal(101, (await connection.ReadHeadAsync()).StatusCode);
        LogEntry served = await fastPath.Logs.WaitForAsync("FastPathServed", e => e.Message.Contains("/ws with 101", StringComparison.Ordinal));
        Assert.True(Count(fastPath, "FastPathServed") > before, served.Message);
        Assert.Equal(0, Count(mapUpgrade, "FastPathServed"));
    }

    [Theory]
    [MemberData(nameof(Served))]
    public async Task TheFastPathsAnswer_IsMapUpgradesAnswer_ByteForByte(string rule, string request)
    {
        int before = Count(fastPath, "FastPathServed");
        byte[] expected = await AnswerAsync(mapUpgrade.Port, request);
        byte[] actual = await AnswerAsync(fastPath.Port, request);
        output.WriteLine($"{rule}\n{Encoding.ASCII.GetString(actual)}");
        Assert.True(WithoutDate(expected) == WithoutDate(actual), $"{rule}\nMapUpgrade:\n{Encoding.ASCII.GetString(expected)}\nfast path:\n{Encoding.ASCII.GetString(actual)}");
        Assert.True(Count(fastPath, "FastPathServed") > before, $"{rule}: the fast path did not answer it.");
    }

    [Theory]
    [MemberData(nameof(Declined))]
    public async Task ARequestTheFastPathDoesNotFullyUnderstand_GoesToKestrel_Untouched(string rule, string request, string reason)
    {
        int before = Count(fastPath, "FastPathDeclined", reason);
        byte[] expected = await AnswerAsync(mapUpgrade.Port, request);
        byte[] actual = await AnswerAsync(fastPath.Port, request);
        output.WriteLine($"{rule}\n{Encoding.ASCII.GetString(actual)}");
        Assert.True(WithoutDate(expected) == WithoutDate(actual), $"{rule}\nMapUpgrade:\n{Encoding.ASCII.GetString(expected)}\nfast path:\n{Encoding.ASCII.GetString(actual)}");
        await fastPath.Logs.WaitForAsync("FastPathDeclined", e => e.Message.Contains($"({reason})", StringComparison.Ordinal));
        Assert.True(Count(fastPath, "FastPathDeclined", reason) > before, $"{rule}: not declined for {reason}.");
    }

    [Fact]
    public async Task AHeadSentInPieces_IsStillServed()
    {
        int before = Count(fastPath, "FastPathServed");
        await using RawConnection connection = await RawConnection.OpenAsync(fastPath.Port);
        await connection.SendAsync("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        await Task.Delay(100);
        await connection.SendAsync($"Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n");
        await Task.Delay(100);
        await connection.SendAsync($"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n{Chat}\r\n");
        Assert.Equal(101, (await connection.ReadHeadAsync()).StatusCode);
        Assert.True(Count(fastPath, "FastPathServed") > before);
    }

    [Fact]
    public async Task AHeadSentInPieces_ThatTurnsOutMalformed_IsReplayedToKestrel()
    {
        string first = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n";
        string rest = $"Connection: Upgrade\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n{Chat}\r\n";
        byte[] expected = await AnswerAsync(mapUpgrade.Port, first + rest);

        await using RawConnection connection = await RawConnection.OpenAsync(fastPath.Port);
        await connection.SendAsync(first);
        await Task.Delay(100);
        await connection.SendAsync(rest);
        byte[] actual = await ReadAnswerAsync(connection);
        Assert.Equal(WithoutDate(expected), WithoutDate(actual));
    }

    [Fact]
    public async Task APlainRequest_OnAFastPathListener_IsServedByKestrel_AndTheConnectionStaysUsable()
    {
        await using RawConnection connection = await RawConnection.OpenAsync(fastPath.Port);
        await connection.SendAsync("GET /nothing-here HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n");
        RawResponseHead first = await connection.ReadHeadAsync();
        Assert.Equal(404, first.StatusCode);

        // The fast path looks at a connection's first request only: a second request that upgrades is Kestrel's.
        int served = Count(fastPath, "FastPathServed");
        await connection.SendAsync($"GET /ws HTTP/1.1\r\n{Handshake}{Chat}\r\n");
        Assert.Equal(101, (await connection.ReadHeadAsync()).StatusCode);
        await fastPath.Logs.WaitForAsync("SwitchingProtocols", e => e.Message.Contains("/ws", StringComparison.Ordinal));
        Assert.Equal(served, Count(fastPath, "FastPathServed"));
    }

    [Theory]
    [InlineData("Connection: Upgrade on a 426 (RFC 9110 §7.8: the client did not name the upgrade option)", "Connection: keep-alive")]
    [InlineData("Connection: Upgrade, close on a 426", "Connection: Upgrade\r\nSec-WebSocket-Version: 8")]
    public async Task ARefusal_EndsTheConnection_AsKestrelEndsItAfterMapUpgradesRefusal(string rule, string replacement)
    {
        string refused = $"GET /ws HTTP/1.1\r\n{Handshake.Replace("Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13", replacement + "\r\nUpgrade: websocket", StringComparison.Ordinal)}{Chat}\r\n";
        string next = $"GET /ws HTTP/1.1\r\n{Handshake}{Chat}\r\n";
        foreach (KestrelFixture server in new[] { mapUpgrade, fastPath })
        {
            await using RawConnection connection = await RawConnection.OpenAsync(server.Port);
            await connection.SendAsync(refused + next);
            RawResponseHead head = await connection.ReadHeadAsync();
            await connection.ReadBodyAsync(head);
            Assert.True(head.StatusCode == 426, $"{rule}: {head}");

            // Kestrel ends a connection whose response names a Connection option other than keep-alive; so does the fast path.
            Assert.Empty(await connection.ReadToEndAsync());
        }
    }

    private static async Task<byte[]> AnswerAsync(int port, string request)
    {
        await using RawConnection connection = await RawConnection.OpenAsync(port);
        await connection.SendAsync(Encoding.Latin1.GetBytes(request));
        return await ReadAnswerAsync(connection);
    }

    /// <summary>The response head as sent, and its body when it declares one.</summary>
    private static async Task<byte[]> ReadAnswerAsync(RawConnection connection)
    {
        RawResponseHead head = await connection.ReadHeadAsync();
        string body = head.Values("Content-Length").Length == 1 ? await connection.ReadBodyAsync(head) : string.Empty;
        return Encoding.ASCII.GetBytes(head.Text + "\r\n" + body);
    }

    private static string WithoutDate(byte[] answer) => DateField().Replace(Encoding.ASCII.GetString(answer), "Date: (date)\r\n");

    private static int Count(KestrelFixture server, string eventName, string? reason = null)
        => server.Logs.Entries.Count(e => e.EventId.Name == eventName && (reason is null || e.Message.Contains($"({reason})", StringComparison.Ordinal)));

    [GeneratedRegex(@"Date: [^\r]*\r\n")]
    private static partial Regex DateField();
}

/// <summary>Which endpoints the fast path may answer: only those whose metadata it honours and whose path is theirs alone.</summary>
public sealed class FastPathEndpointTests(FastPathAppFixture server) : IClassFixture<FastPathAppFixture>
{
    private const string Handshake = "Host: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: chat.v1\r\n\r\n";

    [Fact]
    public async Task AnEndpointThatRequiresAuthorization_IsLeftToTheAppsMiddleware_WhichAnswers401()
    {
        RawResponseHead head = await SendAsync("/secure");
        Assert.Equal(401, head.StatusCode);
        await server.Logs.WaitForAsync("FastPathRouteExcluded", e => e.Message.Contains("/secure", StringComparison.Ordinal) && e.Message.Contains("Authoriz", StringComparison.Ordinal));
        Assert.DoesNotContain(server.Logs.Entries, e => e.EventId.Name == "FastPathServed" && e.Message.Contains("/secure", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnEndpointWithDescriptiveMetadataOnly_IsServed()
    {
        Assert.Equal(101, (await SendAsync("/tagged")).StatusCode);
        await server.Logs.WaitForAsync("FastPathServed", e => e.Message.Contains("/tagged with 101", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARouteWithAParameter_IsLeftToRouting_WhichStillSwitches()
    {
        Assert.Equal(101, (await SendAsync("/rooms/7")).StatusCode);
        await server.Logs.WaitForAsync("FastPathRouteExcluded", e => e.Message.Contains("/rooms/{id}", StringComparison.Ordinal));
        Assert.DoesNotContain(server.Logs.Entries, e => e.EventId.Name == "FastPathServed" && e.Message.Contains("/rooms", StringComparison.Ordinal));
    }

    [Fact]
    public async Task APathAnotherEndpointAlsoMaps_IsLeftToRouting()
    {
        await SendAsync("/shadowed");
        await server.Logs.WaitForAsync("FastPathRouteExcluded", e => e.Message.Contains("/shadowed", StringComparison.Ordinal));
        Assert.DoesNotContain(server.Logs.Entries, e => e.EventId.Name == "FastPathServed" && e.Message.Contains("/shadowed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheEndpoints_AreLookedUpOnce_NotPerConnection()
    {
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(101, (await SendAsync("/ws")).StatusCode);
        }

        await server.Logs.WaitForAsync("FastPathRouteExcluded", e => e.Message.Contains("/secure", StringComparison.Ordinal));
        Assert.Single(server.Logs.Entries, e => e.EventId.Name == "FastPathRouteExcluded" && e.Message.Contains("/secure:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AHeadThatDoesNotArriveInTime_IsHandedToKestrel_WithTheBytesReadSoFar()
    {
        await using RawConnection connection = await RawConnection.OpenAsync(server.Port);
        await connection.SendAsync("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        await server.Logs.WaitForAsync("FastPathDeclined", e => e.Message.Contains("(Limits)", StringComparison.Ordinal), FastPathAppFixture.RequestHeadersTimeout * 3);

        // Kestrel's own header timeout starts now; the rest of the head, sent at once, completes the request it read.
        await connection.SendAsync("Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: chat.v1\r\n\r\n");
        Assert.Equal(101, (await connection.ReadHeadAsync()).StatusCode);
        await server.Logs.WaitForAsync("SwitchingProtocols", e => e.Message.Contains("/ws", StringComparison.Ordinal));
    }

    [Fact]
    public async Task APlainEndpoint_IsServedByKestrel()
    {
        await using RawConnection connection = await RawConnection.OpenAsync(server.Port);
        await connection.SendAsync("GET /plain HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        RawResponseHead head = await connection.ReadHeadAsync();
        Assert.Equal(200, head.StatusCode);
        Assert.Equal("plain\n", await connection.ReadBodyAsync(head));
    }

    private async Task<RawResponseHead> SendAsync(string path)
    {
        await using RawConnection connection = await RawConnection.OpenAsync(server.Port);
        await connection.SendAsync($"GET {path} HTTP/1.1\r\n{Handshake}");
        return await connection.ReadHeadAsync();
    }
}
