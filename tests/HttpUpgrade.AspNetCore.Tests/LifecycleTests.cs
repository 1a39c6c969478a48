using System;
using System.Diagnostics;
using System.IO;
using System.Net.WebSockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using HttpUpgrade.Testing;
using Xunit;

namespace HttpUpgrade.AspNetCore.Tests;

/// <summary>What happens to a connection after the switch: keep-alives, failures, cancellation, and no HTTP bytes ever again.</summary>
public sealed class LifecycleTests(KestrelFixture server) : IClassFixture<KestrelFixture>
{
    // A masked Close frame with status 1000 (RFC 6455 §5.5.1), masked with the key of the §5.7 example.
    private static readonly byte[] MaskedNormalClose = [0x88, 0x82, 0x37, 0xfa, 0x21, 0x3d, 0x03 ^ 0x37, 0xe8 ^ 0xfa];

    // RFC 6455 §5.7: "A single-frame masked text message" containing "Hello".
    private static readonly byte[] MaskedHello = [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58];

    [Fact]
    public async Task KeepAlive_WithoutTimeout_SendsUnsolicitedPongs()
    {
        await using RawConnection connection = await OpenWebSocketAsync("/pong", "chat.v1");

        byte[] frame = await connection.ReadExactlyAsync(2);

        // RFC 6455 §5.5.3: an unsolicited pong (FIN + opcode 0xA) serves as a unidirectional heartbeat; a server never masks.
        Assert.Equal(0x8A, frame[0]);
        Assert.Equal(0, frame[1] & 0x80);
    }

    [Fact]
    public async Task KeepAlive_WithTimeout_SendsPings_AndAbortsAClientThatNeverAnswers()
    {
        await using RawConnection connection = await OpenWebSocketAsync("/ping", "chat.v1");
        var elapsed = Stopwatch.StartNew();

        byte[] frame = await connection.ReadExactlyAsync(2);
        Assert.Equal(0x89, frame[0]);
        Assert.Equal(0, frame[1] & 0x80);
        await connection.ReadExactlyAsync(frame[1] & 0x7F);

        // No pong goes back: within the 300 ms timeout (plus scheduling) the server gives up on the connection.
        await ReadUntilClosedAsync(connection);
        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(5), $"The connection stayed open for {elapsed.Elapsed}.");
    }

    [Fact]
    public async Task KeepAlive_ClientThatAnswersPings_StaysConnected()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var client = new ClientWebSocket();
        client.Options.AddSubProtocol("chat.v1");
        await client.ConnectAsync(server.WebSocketUri("/ping"), timeout.Token);

        // ClientWebSocket answers each ping from inside ReceiveAsync, so keep a receive pending while a second passes.
        byte[] buffer = new byte[64];
        Task<ValueWebSocketReceiveResult> receiving = client.ReceiveAsync(buffer.AsMemory(), timeout.Token).AsTask();
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(receiving.IsCompleted);
        Assert.Equal(WebSocketState.Open, client.State);

        await client.SendAsync("still here"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
        ValueWebSocketReceiveResult echoed = await receiving;
        Assert.Equal("still here", Encoding.UTF8.GetString(buffer, 0, echoed.Count));
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
    }

    [Fact]
    public async Task ClientThatGoesAway_CancelsTheWebSocketHandlersToken()
    {
        string id = Guid.NewGuid().ToString("N");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var client = new ClientWebSocket();
        client.Options.AddSubProtocol("test.cancel");
        await client.ConnectAsync(server.WebSocketUri("/ws?id=" + id), timeout.Token);

        client.Abort();

        Assert.Equal($"websocket cancelled {id}", await server.Journal.WaitForAsync($"websocket cancelled {id}", TimeSpan.FromSeconds(5)));
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
