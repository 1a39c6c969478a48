using System;
using System.Collections.Generic;
using System.IO;
using System.Net.WebSockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using HttpUpgrade.Testing;
using Xunit;

namespace HttpUpgrade.AspNetCore.Tests;

/// <summary>What happens to a connection after the switch: keep-alives, failures, cancellation, and no HTTP bytes ever again.</summary>
public abstract class LifecycleCases(KestrelFixture server)
{
    // RFC 6455 §5.2 opcodes.
    private const int TextOpcode = 0x1;
    private const int CloseOpcode = 0x8;
    private const int PingOpcode = 0x9;
    private const int PongOpcode = 0xA;

    // A masked Close frame with status 1000 (RFC 6455 §5.5.1), masked with the key of the §5.7 example.
    private static readonly byte[] MaskedNormalClose = [0x88, 0x82, 0x37, 0xfa, 0x21, 0x3d, 0x03 ^ 0x37, 0xe8 ^ 0xfa];

    // RFC 6455 §5.7: "A single-frame masked text message" containing "Hello".
    private static readonly byte[] MaskedHello = [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58];

    [Fact]
    public async Task KeepAlive_WithoutTimeout_SendsUnsolicitedPongs()
    {
        await using RawConnection connection = await OpenWebSocketAsync("/pong", "chat.v1");

        // RFC 6455 §5.5.3: unsolicited pongs serve as a unidirectional heartbeat. The client answers nothing, and the
        // server neither pings nor waits for an answer: heartbeat after heartbeat, then the connection still echoes.
        for (int heartbeat = 1; heartbeat <= 3; heartbeat++)
        {
            Frame? frame = await ReadFrameOrEndAsync(connection);
            Assert.True(frame?.Opcode == PongOpcode, $"Heartbeat {heartbeat}: expected a pong, got {Describe(frame)}.");
        }

        await AssertStillEchoesAsync(connection);
    }

    [Fact]
    public async Task KeepAlive_WithTimeout_SendsPings_AndAbortsAClientThatNeverAnswers()
    {
        await using RawConnection connection = await OpenWebSocketAsync("/ping", "chat.v1");

        // What a client that never answers sees, in order, until the connection ends. RFC 6455 §5.5.2: first a ping; then,
        // with no pong, the connection is aborted: no close frame, no data, only the end. The read timeout of RawConnection
        // and the frame count only guard against a hang; no step waits for a time to pass.
        var events = new List<string>();
        Frame? frame;
        do
        {
            frame = await ReadFrameOrEndAsync(connection);
            events.Add(Describe(frame));
            bool expected = frame is null ? events.Count > 1 : frame.Opcode == PingOpcode;
            Assert.True(expected && events.Count < 100, $"Expected pings, then the end of the connection; got {string.Join(", ", events)}.");
        }
        while (frame is not null);
    }

    [Fact]
    public async Task KeepAlive_ClientThatAnswersPings_StaysConnected()
    {
        await using RawConnection connection = await OpenWebSocketAsync("/ping", "chat.v1");

        // RFC 6455 §5.5.3: each ping is answered with a pong carrying its application data. Another ping comes only while
        // the server keeps the connection, and it drops a client that leaves a ping unanswered (the test above), so five
        // pings in a row show that the answers were taken.
        for (int ping = 1; ping <= 5; ping++)
        {
            Frame? frame = await ReadFrameOrEndAsync(connection);
            Assert.True(frame?.Opcode == PingOpcode, $"Ping {ping}: expected a ping, got {Describe(frame)}.");
            await connection.SendAsync(ClientFrame(PongOpcode, frame!.Payload));
        }

        await AssertStillEchoesAsync(connection);
    }

    [Fact]
    public async Task ClientThatGoesAway_CancelsTheWebSocketHandlersToken()
    {
        string id = Guid.NewGuid().ToString("N");
        using ClientWebSocket client = await ConnectWithIdAsync("test.cancel", id);

        client.Abort();

        Assert.Equal($"websocket cancelled {id}", await server.Journal.WaitForAsync($"websocket cancelled {id}", TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task WebSocketThatGivesUpOnTheConnection_CancelsItsHandlersToken()
    {
        // The client stays connected throughout: the cancellation can only come from the handler's own WebSocket.
        string id = Guid.NewGuid().ToString("N");
        using ClientWebSocket client = await ConnectWithIdAsync("test.selfabort", id);

        Assert.Equal($"websocket gave up {id}", await server.Journal.WaitForAsync($"websocket gave up {id}", TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task ClientThatGoesAway_CancelsTheRawHandlersToken()
    {
        string id = Guid.NewGuid().ToString("N");
        RawConnection connection = await RawConnection.OpenAsync(server.Port);
        await connection.SendAsync($"GET /ws?id={id} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: park/1\r\n\r\n");
        Assert.Equal(101, (await connection.ReadHeadAsync()).StatusCode);

        await connection.DisposeAsync();

        Assert.Equal($"park cancelled {id}", await server.Journal.WaitForAsync($"park cancelled {id}", TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task RawHandlerThatThrows_EndsTheConnection_WithNoHttpBytesAfterThe101()
    {
        await using RawConnection connection = await RawConnection.OpenAsync(server.Port);
        await connection.SendAsync("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: boom/1\r\n\r\n");
        RawResponseHead head = await connection.ReadHeadAsync();
        Assert.Equal(101, head.StatusCode);
        Assert.Equal(["boom/1"], head.Values("Upgrade"));

        // The handler's failure is not answered with a 500 on a connection that no longer speaks HTTP.
        await connection.SendAsync("x"u8.ToArray());
        Assert.Empty(await ReadUntilClosedAsync(connection));
    }

    [Fact]
    public async Task WebSocketHandlerThatThrows_SendsOnlyA1011CloseFrame_AfterThe101()
    {
        await using RawConnection connection = await OpenWebSocketAsync("/ws", "test.throws");

        byte[] close = await connection.ReadExactlyAsync(4);
        Assert.Equal(0x88, close[0]);
        Assert.Equal(1011, (close[2] << 8) | close[3]);
        await connection.ReadExactlyAsync((close[1] & 0x7F) - 2);

        await connection.SendAsync(MaskedNormalClose);
        Assert.Empty(await ReadUntilClosedAsync(connection));
    }

    [Fact]
    public async Task WebSocketHandlerThatReturns_SendsOnlyA1000CloseFrame_AfterThe101()
    {
        await using RawConnection connection = await OpenWebSocketAsync("/ws", "test.quick");

        Assert.Equal(new byte[] { 0x88, 0x02, 0x03, 0xE8 }, await connection.ReadExactlyAsync(4));
        await connection.SendAsync(MaskedNormalClose);
        Assert.Empty(await ReadUntilClosedAsync(connection));
    }

    [Fact]
    public async Task Deflate_TheServersMessagesAreCompressed()
    {
        await using RawConnection connection = await OpenWebSocketAsync("/deflate", "chat.v1", "permessage-deflate");

        // An uncompressed message is allowed under permessage-deflate (RFC 7692 §6); the echo comes back compressed,
        // which RSV1 ("Per-Message Compressed") on its first frame says.
        await connection.SendAsync(MaskedHello);
        byte[] frame = await connection.ReadExactlyAsync(2);
        Assert.Equal(0xC1, frame[0]);
        byte[] payload = await connection.ReadExactlyAsync(frame[1]);

        // RFC 7692 §7.2.1: the sender removes the trailing 00 00 ff ff; the receiver appends it before inflating.
        using var inflated = new MemoryStream();
        using (var deflate = new System.IO.Compression.DeflateStream(new MemoryStream([.. payload, 0x00, 0x00, 0xFF, 0xFF]), System.IO.Compression.CompressionMode.Decompress))
        {
            byte[] buffer = new byte[64];
            int read;
            while ((read = await ReadSomeAsync(deflate, buffer)) > 0)
            {
                inflated.Write(buffer, 0, read);
            }
        }

        Assert.Equal("Hello", Encoding.UTF8.GetString(inflated.ToArray()));
    }

    [Theory]
    [InlineData("/deflate", "permessage-deflate")]
    [InlineData("/deflate-small", "permessage-deflate; server_no_context_takeover; server_max_window_bits=10; client_max_window_bits=10")]
    public async Task Deflate_ClientWebSocket_NegotiatesAndRoundTripsCompressibleMessages(string path, string expectedExtensions)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var client = new ClientWebSocket();
        client.Options.AddSubProtocol("chat.v1");
        client.Options.CollectHttpResponseDetails = true;
        client.Options.DangerousDeflateOptions = new WebSocketDeflateOptions { ClientMaxWindowBits = 15, ServerMaxWindowBits = 15 };
        await client.ConnectAsync(server.WebSocketUri(path), timeout.Token);

        string extensions = string.Join(", ", client.HttpResponseHeaders!["Sec-WebSocket-Extensions"]);
        Assert.Equal(ExtensionList.Parse(expectedExtensions), ExtensionList.Parse(extensions));

        for (int round = 0; round < 3; round++)
        {
            byte[] message = Encoding.UTF8.GetBytes(string.Concat(System.Linq.Enumerable.Repeat($"round {round}: compress me please. ", 2000)));
            await client.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
            Assert.Equal(message, await ReceiveMessageAsync(client, message.Length, timeout.Token));
        }

        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
    }

    internal static async Task<byte[]> ReceiveMessageAsync(WebSocket client, int length, CancellationToken cancellationToken)
    {
        byte[] received = new byte[length + 1];
        int total = 0;
        while (true)
        {
            ValueWebSocketReceiveResult result = await client.ReceiveAsync(received.AsMemory(total), cancellationToken);
            total += result.Count;
            if (result.EndOfMessage)
            {
                return received.AsSpan(0, total).ToArray();
            }
        }
    }

    private static async Task<int> ReadSomeAsync(Stream stream, byte[] buffer) => await stream.ReadAsync(buffer);

    /// <summary>A ClientWebSocket connected to /ws with <paramref name="subProtocol"/> and a per-connection id in the query.</summary>
    private async Task<ClientWebSocket> ConnectWithIdAsync(string subProtocol, string id)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var client = new ClientWebSocket();
        client.Options.AddSubProtocol(subProtocol);
        await client.ConnectAsync(server.WebSocketUri("/ws?id=" + id), timeout.Token);
        return client;
    }

    private async Task<RawConnection> OpenWebSocketAsync(string path, string subProtocol, string? extensions = null)
    {
        RawConnection connection = await RawConnection.OpenAsync(server.Port);
        await connection.SendAsync(
            $"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n" +
            $"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: {subProtocol}\r\n" +
            (extensions is null ? "" : $"Sec-WebSocket-Extensions: {extensions}\r\n") +
            "\r\n");
        RawResponseHead head = await connection.ReadHeadAsync();
        Assert.Equal(101, head.StatusCode);
        return connection;
    }

    /// <summary>
    /// A text message is echoed and the closing handshake completes with 1000 (RFC 6455 §7.1.2): the connection is open.
    /// Keep-alive frames that arrive meanwhile are skipped, and pings answered.
    /// </summary>
    private static async Task AssertStillEchoesAsync(RawConnection connection)
    {
        await connection.SendAsync(ClientFrame(TextOpcode, "still here"u8));
        Frame echoed = await ReadSkippingKeepAliveAsync(connection);
        Assert.Equal("text still here", Describe(echoed));

        await connection.SendAsync(MaskedNormalClose);
        Frame close = await ReadSkippingKeepAliveAsync(connection);
        Assert.Equal("close 1000", Describe(close));
        Assert.Empty(await ReadUntilClosedAsync(connection));
    }

    /// <summary>The next frame that is no ping or pong, answering each ping with its pong on the way.</summary>
    private static async Task<Frame> ReadSkippingKeepAliveAsync(RawConnection connection)
    {
        while (true)
        {
            Frame frame = await ReadFrameOrEndAsync(connection) ?? throw new EndOfStreamException("The server ended the connection.");
            if (frame.Opcode == PingOpcode)
            {
                await connection.SendAsync(ClientFrame(PongOpcode, frame.Payload));
            }
            else if (frame.Opcode != PongOpcode)
            {
                return frame;
            }
        }
    }

    /// <summary>
    /// The next frame from the server (RFC 6455 §5.2), or null when the connection ended, gracefully or with a reset,
    /// between two frames. Checks what holds for every server frame: unmasked (§5.1), and a control frame is one
    /// unfragmented frame of at most 125 bytes (§5.5).
    /// </summary>
    private static async Task<Frame?> ReadFrameOrEndAsync(RawConnection connection)
    {
        byte[] head;
        try
        {
            head = await connection.ReadExactlyAsync(2);
        }
        catch (IOException)
        {
            Assert.Empty(connection.Remaining());
            return null;
        }

        Assert.True((head[1] & 0x80) == 0, "A server must not mask its frames.");
        int opcode = head[0] & 0x0F;
        int length = head[1] & 0x7F;
        if (opcode >= CloseOpcode)
        {
            Assert.True((head[0] & 0x80) != 0 && length <= 125, $"Control frame 0x{opcode:X}: fragmented or longer than 125 bytes.");
        }
        else if (length == 126)
        {
            byte[] extended = await connection.ReadExactlyAsync(2);
            length = (extended[0] << 8) | extended[1];
        }
        else if (length == 127)
        {
            Assert.Fail("A frame longer than any message these tests send.");
        }

        return new Frame(opcode, await connection.ReadExactlyAsync(length));
    }

    /// <summary>A client frame with FIN set, masked as every client frame must be (RFC 6455 §5.3).</summary>
    private static byte[] ClientFrame(int opcode, ReadOnlySpan<byte> payload)
    {
        Assert.InRange(payload.Length, 0, 125);
        byte[] frame = new byte[6 + payload.Length];
        frame[0] = (byte)(0x80 | opcode);
        frame[1] = (byte)(0x80 | payload.Length);
        ReadOnlySpan<byte> mask = [0x37, 0xfa, 0x21, 0x3d];
        mask.CopyTo(frame.AsSpan(2));
        for (int i = 0; i < payload.Length; i++)
        {
            frame[6 + i] = (byte)(payload[i] ^ mask[i % 4]);
        }

        return frame;
    }

    /// <summary>A frame as an event name: "ping", "pong", "text …", "close …", or "end" for the end of the connection.</summary>
    private static string Describe(Frame? frame) => frame switch
    {
        null => "end",
        { Opcode: PingOpcode } => "ping",
        { Opcode: PongOpcode } => "pong",
        { Opcode: TextOpcode } => "text " + Encoding.UTF8.GetString(frame.Payload),
        { Opcode: CloseOpcode, Payload.Length: >= 2 } => $"close {(frame.Payload[0] << 8) | frame.Payload[1]}",
        _ => $"opcode 0x{frame.Opcode:X} with {frame.Payload.Length} bytes",
    };

    /// <summary>One frame the server sent: its opcode (RFC 6455 §5.2) and its payload.</summary>
    private sealed record Frame(int Opcode, byte[] Payload);

    /// <summary>Whatever arrives until the server closes the connection, gracefully or with a reset.</summary>
    private static async Task<byte[]> ReadUntilClosedAsync(RawConnection connection)
    {
        try
        {
            return await connection.ReadToEndAsync();
        }
        catch (IOException)
        {
            return connection.Remaining();
        }
    }
}

/// <summary>The cases of <see cref="LifecycleCases"/> against <c>MapUpgrade</c>, served by Kestrel's HTTP engine.</summary>
public sealed class LifecycleTests(KestrelFixture server) : LifecycleCases(server), IClassFixture<KestrelFixture>;

/// <summary>The cases of <see cref="LifecycleCases"/> on a listener with <c>UseUpgradeFastPath()</c>.</summary>
public sealed class LifecycleFastPathTests(FastPathKestrelFixture server) : LifecycleCases(server), IClassFixture<FastPathKestrelFixture>;
