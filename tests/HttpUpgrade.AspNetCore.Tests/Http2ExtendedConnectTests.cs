using System;
using System.Net;
using System.Net.Http;
using System.Net.WebSockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using HttpUpgrade.Testing;
using Xunit;

namespace HttpUpgrade.AspNetCore.Tests;

/// <summary>RFC 8441: the same registered handlers serve WebSockets over HTTP/2 extended CONNECT, with .NET's own client.</summary>
public sealed class Http2ExtendedConnectTests(KestrelFixture server) : IClassFixture<KestrelFixture>
{
    [Fact]
    public async Task ClientWebSocketOverHttp2_IsAccepted200_AndTheHandlerSeesAnHttp2Connect()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using ClientWebSocket client = Http2Client("test.report", "chat.v1");
        await client.ConnectAsync(server.Http2WebSocketUri("/ws"), Invoker(), timeout.Token);

        // RFC 8441 §5: a 200 on the stream, the subprotocol answered, and no HTTP/1.1 handshake fields.
        Assert.Equal(HttpStatusCode.OK, client.HttpStatusCode);
        Assert.Equal("test.report", client.SubProtocol);
        Assert.False(client.HttpResponseHeaders!.ContainsKey("Sec-WebSocket-Accept"));
        Assert.False(client.HttpResponseHeaders.ContainsKey("Upgrade"));

        byte[] buffer = new byte[256];
        ValueWebSocketReceiveResult report = await client.ReceiveAsync(buffer.AsMemory(), timeout.Token);
        Assert.Equal("HTTP/2 CONNECT test.report 13", Encoding.UTF8.GetString(buffer, 0, report.Count));

        byte[] message = Encoding.UTF8.GetBytes("héllo over RFC 8441");
        await client.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
        Assert.Equal(message, await LifecycleTests.ReceiveMessageAsync(client, message.Length, timeout.Token));

        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
    }

    [Fact]
    public async Task ClientWebSocketOverHttp2_TheClientsPreferenceSelectsTheHandler_LikeOnHttp11()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using ClientWebSocket client = Http2Client("chat.v2", "test.report");
        await client.ConnectAsync(server.Http2WebSocketUri("/ws"), Invoker(), timeout.Token);

        Assert.Equal("chat.v2", client.SubProtocol);
        byte[] message = new byte[70_000];
        new Random(8441).NextBytes(message);
        await client.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, timeout.Token);
        Assert.Equal(message, await LifecycleTests.ReceiveMessageAsync(client, message.Length, timeout.Token));
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
    }

    [Fact]
    public async Task ClientWebSocketOverHttp2_WithPermessageDeflate()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using ClientWebSocket client = Http2Client("chat.v1");
        client.Options.DangerousDeflateOptions = new WebSocketDeflateOptions();
        await client.ConnectAsync(server.Http2WebSocketUri("/deflate"), Invoker(), timeout.Token);

        Assert.Equal(ExtensionList.Parse("permessage-deflate"), ExtensionList.Parse(string.Join(", ", client.HttpResponseHeaders!["Sec-WebSocket-Extensions"])));
        byte[] message = Encoding.UTF8.GetBytes(new string('z', 50_000));
        await client.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
        Assert.Equal(message, await LifecycleTests.ReceiveMessageAsync(client, message.Length, timeout.Token));
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
    }

    [Theory]
    [InlineData("RFC 6455 §10.2: a cross-site Origin is 403 on HTTP/2 too", "/ws", "https://evil.example", "chat.v1", HttpStatusCode.Forbidden)]
    [InlineData("Reject (default): no subprotocol agreed is 400 on HTTP/2 too", "/ws", null, "mqtt", HttpStatusCode.BadRequest)]
    [InlineData("RFC 9110 §15.6.4: an endpoint at its connection cap is 503 on HTTP/2 too", "/full", null, "chat.v1", HttpStatusCode.ServiceUnavailable)]
    public async Task ClientWebSocketOverHttp2_Refusals(string rule, string path, string? origin, string subProtocol, HttpStatusCode expected)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using ClientWebSocket client = Http2Client(subProtocol);
        if (origin is not null)
        {
            client.Options.SetRequestHeader("Origin", origin);
        }

        await Assert.ThrowsAsync<WebSocketException>(() => client.ConnectAsync(server.Http2WebSocketUri(path), Invoker(), timeout.Token));
        Assert.True(expected == client.HttpStatusCode, $"{rule}: got {client.HttpStatusCode}.");
    }

    [Fact]
    public async Task ClientWebSocketOverHttp2_AtTheConnectionCap_Gets503WithRetryAfter_AndNoConnectionField()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using ClientWebSocket client = Http2Client("chat.v1");
        await Assert.ThrowsAsync<WebSocketException>(() => client.ConnectAsync(server.Http2WebSocketUri("/full"), Invoker(), timeout.Token));

        // RFC 9113 §8.2.2: no connection-specific field on HTTP/2; the refusal ends the stream, not the connection.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, client.HttpStatusCode);
        Assert.Equal("2", Assert.Single(client.HttpResponseHeaders!["Retry-After"]));
        Assert.False(client.HttpResponseHeaders.ContainsKey("Connection"));
    }

    private static ClientWebSocket Http2Client(params string[] subProtocols)
    {
        var client = new ClientWebSocket();
        client.Options.HttpVersion = HttpVersion.Version20;
        client.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        client.Options.CollectHttpResponseDetails = true;
        foreach (string subProtocol in subProtocols)
        {
            client.Options.AddSubProtocol(subProtocol);
        }

        return client;
    }

    // HTTP/2 WebSockets need an HttpMessageInvoker; over ws:// with an exact 2.0 policy SocketsHttpHandler speaks h2c with prior knowledge.
    private static HttpMessageInvoker Invoker() => new(new SocketsHttpHandler(), disposeHandler: true);
}
