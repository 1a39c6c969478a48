using System;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace HttpUpgrade.AspNetCore.Tests;

/// <summary>Handshakes written byte for byte over TCP, and the server's answers read byte for byte.</summary>
public abstract class RawSocketCases(KestrelFixture server, ITestOutputHelper output)
{
    // RFC 6455 §5.7: "A single-frame masked text message" containing "Hello", and the same message unmasked as a server sends it.
    private static readonly byte[] MaskedHello = [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58];
    private static readonly byte[] UnmaskedHello = [0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f];

    // A masked Close frame with status 1000 (RFC 6455 §5.5.1), masked with the key of the §5.7 example.
    private static readonly byte[] MaskedNormalClose = [0x88, 0x82, 0x37, 0xfa, 0x21, 0x3d, 0x03 ^ 0x37, 0xe8 ^ 0xfa];
    private static readonly byte[] UnmaskedNormalClose = [0x88, 0x02, 0x03, 0xe8];

    private const string AllRegistered = "websocket, echo/1, needs-service, whoami/1, park/1, boom/1";

    [Fact]
    public async Task Rfc6455SampleHandshake_Switches_AndThePipelinedFrameReachesTheHandler()
    {
        await using RawConnection connection = await RawConnection.OpenAsync(server.Port);

        // RFC 6455 §1.3's opening handshake, with a text frame sent in the same write, right behind the head. Its page
        // (http://example.com) is cross-origin to server.example.com, so it goes to the endpoint that allows that origin.
        await connection.SendAsync(
            "GET /rfc-example HTTP/1.1\r\n" +
            "Host: server.example.com\r\n" +
            "Upgrade: websocket\r\n" +
            "Connection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
            "Origin: http://example.com\r\n" +
            "Sec-WebSocket-Protocol: chat, superchat\r\n" +
            "Sec-WebSocket-Version: 13\r\n" +
            "\r\n",
            MaskedHello);

        RawResponseHead head = await connection.ReadHeadAsync();
        output.WriteLine(head.Text);
        Assert.Equal(("HTTP/1.1", 101), (head.HttpVersion, head.StatusCode));
        Assert.Equal(["websocket"], head.Values("Upgrade"));
        Assert.Equal(["Upgrade"], head.Values("Connection"));
        Assert.Equal(["s3pPLMBiTxaQ9kYGzzhZRbK+xOo="], head.Values("Sec-WebSocket-Accept"));
        Assert.Equal(["chat"], head.Values("Sec-WebSocket-Protocol"));
        Assert.Empty(head.Values("Content-Length"));
        Assert.Empty(head.Values("Transfer-Encoding"));

        // The handler echoed the pipelined frame: unmasked, as a server must send it (RFC 6455 §5.1).
        Assert.Equal(UnmaskedHello, await connection.ReadExactlyAsync(UnmaskedHello.Length));

        // The client starts the closing handshake; the server answers with 1000 and ends the connection with no HTTP bytes after it.
        await connection.SendAsync(MaskedNormalClose);
        Assert.Equal(UnmaskedNormalClose, await connection.ReadExactlyAsync(UnmaskedNormalClose.Length));
        Assert.Empty(await connection.ReadToEndAsync());
    }

    [Fact]
    public async Task CustomToken_Switches_AndEchoesBytesPipelinedBehindTheHead()
    {
        await using RawConnection connection = await RawConnection.OpenAsync(server.Port);
        byte[] pipelined = "bytes sent with the request head"u8.ToArray();
        await connection.SendAsync("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: echo/1\r\n\r\n", pipelined);

        RawResponseHead head = await connection.ReadHeadAsync();
        output.WriteLine(head.Text);
        Assert.Equal(("HTTP/1.1", 101), (head.HttpVersion, head.StatusCode));
        Assert.Equal(["echo/1"], head.Values("Upgrade"));
        Assert.Equal(["Upgrade"], head.Values("Connection"));
        Assert.Empty(head.Values("Sec-WebSocket-Accept"));
        Assert.Empty(head.Values("Content-Length"));
        Assert.Empty(head.Values("Transfer-Encoding"));
        Assert.Equal(pipelined, await connection.ReadExactlyAsync(pipelined.Length));

        byte[] later = "and bytes sent after the 101"u8.ToArray();
        await connection.SendAsync(later);
        Assert.Equal(later, await connection.ReadExactlyAsync(later.Length));

        // Kestrel takes the client's FIN as the end of the connection: the handler's copy ends and the server closes.
        connection.ShutdownSend();
        Assert.Empty(await connection.ReadToEndAsync());
    }

    [Fact]
    public async Task UnregisteredFirstOffer_IsSkipped_AndTheSwitchNamesOnlyTheOfferServed()
    {
        await using RawConnection connection = await RawConnection.OpenAsync(server.Port);
        await connection.SendAsync("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive, Upgrade\r\nUpgrade: foo/9, echo/1\r\n\r\n");

        RawResponseHead head = await connection.ReadHeadAsync();
        Assert.Equal(101, head.StatusCode);
        Assert.Equal(["echo/1"], head.Values("Upgrade"));
    }

    [Fact]
    public async Task Handler_SeesProtocolVersionAndHttpContext_AndIsDisposedAfterwards()
    {
        await using RawConnection connection = await RawConnection.OpenAsync(server.Port);
        await connection.SendAsync("GET /ws?room=7 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: WhoAmI/1\r\n\r\n");

        RawResponseHead head = await connection.ReadHeadAsync();
        Assert.Equal(101, head.StatusCode);
        Assert.Equal(["whoami/1"], head.Values("Upgrade"));
        Assert.Equal("whoami/1 /ws?room=7\n", Encoding.ASCII.GetString(await connection.ReadToEndAsync()));
        Assert.Equal(nameof(WhoAmIHandler), await server.Disposals.NextAsync(TimeSpan.FromSeconds(5)));
    }

    public static TheoryData<string, string, int, string[]> Rejections => new()
    {
        {
            "RFC 9110 §15.5.22: a request without Upgrade on an upgrade-only endpoint is 426 listing every registered protocol",
            "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
            426,
            ["Connection: Upgrade", $"Upgrade: {AllRegistered}"]
        },
        {
            "RFC 9110 §7.8: Upgrade without the 'upgrade' connection option is not acted upon, so 426",
            "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\nUpgrade: echo/1\r\n\r\n",
            426,
            ["Connection: Upgrade", $"Upgrade: {AllRegistered}"]
        },
        {
            "RFC 9110 §7.8: an HTTP/1.0 request never upgrades, so 426",
            "GET /ws HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: echo/1\r\n\r\n",
            426,
            ["Connection: Upgrade", $"Upgrade: {AllRegistered}"]
        },
        {
            "RFC 9110 §15.5.22: offering only unregistered protocols is 426 listing the registered ones",
            "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: h2c, foo/1\r\n\r\n",
            426,
            ["Connection: Upgrade, close", $"Upgrade: {AllRegistered}"]
        },
        {
            "RFC 9110 §7.8: a registered protocol in an unregistered version is 426",
            "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: echo/2\r\n\r\n",
            426,
            ["Connection: Upgrade, close", $"Upgrade: {AllRegistered}"]
        },
        {
            "RFC 6455 §4.1: a WebSocket handshake must be GET, so POST is 405 with Allow: GET",
            "POST /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
            405,
            ["Allow: GET", "Connection: close"]
        },
        {
            "RFC 6455 §4.1: a Sec-WebSocket-Key that is not 16 bytes of base64 is 400",
            "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: c2hvcnQ=\r\n\r\n",
            400,
            ["Connection: close"]
        },
        {
            "RFC 6455 §4.2.2: an unsupported Sec-WebSocket-Version is 426 with the supported versions",
            "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 8\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
            426,
            ["Connection: Upgrade, close", "Upgrade: websocket", "Sec-WebSocket-Version: 13"]
        },
        {
            "MaxOffers: an endpoint mapped with MaxOffers = 1 answers two offers with 400",
            "GET /one-offer HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: foo/9, echo/1\r\n\r\n",
            400,
            ["Connection: close"]
        },
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public async Task Rejection(string rule, string request, int status, string[] expectedFields)
    {
        await using RawConnection connection = await RawConnection.OpenAsync(server.Port);
        await connection.SendAsync(request);

        RawResponseHead head = await connection.ReadHeadAsync();
        string body = await connection.ReadBodyAsync(head);
        output.WriteLine($"{rule}\n{head.Text}\n{body}");

        Assert.Equal(status, head.StatusCode);
        foreach (string expected in expectedFields)
        {
            AssertField(head, expected);
        }

        AssertField(head, "Content-Type: text/plain; charset=utf-8");
        if (status != 426)
        {
            Assert.Empty(head.Values("Upgrade"));
        }

        // A one-line explanation ending in a newline.
        Assert.True(body.Length > 1, "The body should explain the rejection.");
        Assert.EndsWith("\n", body, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', body[..^1]);
    }

    [Theory]
    [InlineData("a bad key", "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: c2hvcnQ=\r\n")]
    [InlineData("an unsupported version", "Sec-WebSocket-Version: 8\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n")]
    [InlineData("an unknown expectation", "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nExpect: fly\r\n")]
    public async Task ARefusedUpgrade_EndsTheConnection_SoBytesBehindItAreNeverReadAsHttp(string rule, string fields)
    {
        await using RawConnection connection = await RawConnection.OpenAsync(server.Port);

        // A client that sent its first message right behind the head (here, something that parses as HTTP).
        await connection.SendAsync(
            $"GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Protocol: chat.v1\r\n{fields}\r\n"
            + "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

        RawResponseHead head = await connection.ReadHeadAsync();
        await connection.ReadBodyAsync(head);
        Assert.True(head.StatusCode is >= 400 and < 500, $"{rule}: {head}");
        Assert.Contains("close", head.Values("Connection").SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries)));
        Assert.Empty(await connection.ReadToEndAsync());
    }

    /// <summary>The field appears on exactly one line, and its list elements are the expected ones (in any order).</summary>
    private static void AssertField(RawResponseHead head, string expected)
    {
        int colon = expected.IndexOf(':', StringComparison.Ordinal);
        string name = expected[..colon];
        string[] values = head.Values(name);
        Assert.True(values.Length == 1, $"Expected one '{name}' field line, got {values.Length}:\n{head.Text}");
        Assert.Equal(Elements(expected[(colon + 1)..]), Elements(values[0]));

        static string[] Elements(string list)
            => list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToArray();
    }
}

/// <summary>The cases of <see cref="RawSocketCases"/> against <c>MapUpgrade</c>, served by Kestrel's HTTP engine.</summary>
public sealed class RawSocketTests(KestrelFixture server, ITestOutputHelper output) : RawSocketCases(server, output), IClassFixture<KestrelFixture>;

/// <summary>The cases of <see cref="RawSocketCases"/> on a listener with <c>UseUpgradeFastPath()</c>.</summary>
public sealed class RawSocketFastPathTests(FastPathKestrelFixture server, ITestOutputHelper output) : RawSocketCases(server, output), IClassFixture<FastPathKestrelFixture>;
