using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using HttpUpgrade.AspNetCore.Tests;
using Xunit;

namespace HttpUpgrade.Deployment.Tests;

/// <summary>
/// What every recommended proxy configuration (Proxies/nginx.conf, haproxy.cfg, yarp.json) must do for the sample's
/// upgrades: pass a WebSocket with its negotiated subprotocol and permessage-deflate, pass a custom token's raw byte
/// stream, and let the backend's refusals reach the client as the backend wrote them.
/// </summary>
[Collection(DeploymentCollection.Name)]
public sealed class ProxiedUpgradeTests(DeploymentFixture deployment)
{
    [Theory]
    [MemberData(nameof(DeploymentFixture.Proxies), MemberType = typeof(DeploymentFixture))]
    public async Task WebSocket_NegotiatesSubProtocolAndPerMessageDeflate_ThroughTheProxy(string proxyName)
    {
        ReverseProxy proxy = deployment.Proxy(proxyName);
        using ClientWebSocket client = Clients.WebSocket("mqtt", "chat.v2");
        client.Options.DangerousDeflateOptions = new WebSocketDeflateOptions();

        Assert.Equal(101, await Clients.ConnectAsync(client, proxy.WebSocketUri("/chat")));

        // RFC 6455 §4.2.2: the backend picks the one subprotocol it speaks; RFC 7692 §5: it accepts the client's deflate offer.
        Assert.Equal("chat.v2", client.SubProtocol);
        string extensions = Assert.Single(Clients.ResponseHeader(client, "Sec-WebSocket-Extensions"));
        Assert.StartsWith("permessage-deflate", extensions, StringComparison.OrdinalIgnoreCase);

        // The chat room broadcasts every text message to its members, the sender included: the echo crossed the proxy twice.
        string message = string.Concat(Enumerable.Repeat($"through {proxyName}, compressed; ", 400));
        using var timeout = new CancellationTokenSource(Clients.Timeout);
        await client.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
        Assert.Equal(message, await Clients.ReceiveTextAsync(client));

        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
    }

    [Theory]
    [InlineData("nginx")]
    [InlineData("haproxy")]
    [InlineData("yarp-custom-upgrade")]
    public async Task EchoToken_RawByteStream_IsRelayedBothWays(string proxyName)
    {
        ReverseProxy proxy = deployment.Proxy(proxyName);
        await using RawConnection connection = await RawConnection.OpenAsync(proxy.Port);
        await connection.SendAsync(Clients.RequestHead(proxy, "GET", "/chat", "Connection: Upgrade", "Upgrade: echo/1"));

        RawResponseHead head = await connection.ReadHeadAsync();
        Assert.True(head.StatusCode == 101, head.Text);
        Assert.Equal("echo/1", Assert.Single(head.Values("Upgrade")), ignoreCase: true);

        // After the 101 the bytes are the handler's (RFC 9110 §7.8): every byte value, in 8 KiB writes, comes back unchanged.
        byte[] payload = RandomNumberGenerator.GetBytes(48 * 1024);
        for (int offset = 0; offset < payload.Length; offset += 8 * 1024)
        {
            ReadOnlyMemory<byte> chunk = payload.AsMemory(offset, 8 * 1024);
            await connection.SendAsync(chunk);
            byte[] echoed = await connection.ReadExactlyAsync(chunk.Length);
            Assert.True(chunk.Span.SequenceEqual(echoed), $"Bytes {offset}.. came back changed.");
        }
    }

    [Fact]
    public async Task Yarp_ForwardsOnlyWebSocketUpgrades_SoACustomTokenGetsTheBackends426()
    {
        // YARP's forwarder passes Upgrade on only for "websocket" and "SPDY/*"; for any other token it drops the field
        // (hop-by-hop, RFC 9110 §7.6.1) and forwards a plain GET, which the upgrade-only endpoint answers with 426.
        // YarpProxy.ForwardUpgradeTokens passes the token on (yarp-custom-upgrade, tested above).
        ReverseProxy proxy = deployment.Proxy("yarp");
        await using RawConnection connection = await RawConnection.OpenAsync(proxy.Port);
        await connection.SendAsync(Clients.RequestHead(proxy, "GET", "/chat", "Connection: Upgrade", "Upgrade: echo/1"));

        RawResponseHead head = await connection.ReadHeadAsync();
        Assert.True(head.StatusCode == 426, head.Text);
        Assert.StartsWith("This resource requires a protocol upgrade", await connection.ReadBodyAsync(head), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nginx", true)]
    [InlineData("yarp", true)]
    [InlineData("haproxy", false)]
    public async Task WebSocketWithABadKey_IsRefusedWith400(string proxyName, bool byTheBackend)
    {
        ReverseProxy proxy = deployment.Proxy(proxyName);
        await using RawConnection connection = await RawConnection.OpenAsync(proxy.Port);
        await connection.SendAsync(Clients.RequestHead(
            proxy, "GET", "/chat",
            "Connection: Upgrade",
            "Upgrade: websocket",
            "Sec-WebSocket-Version: 13",
            "Sec-WebSocket-Key: c2hvcnQ=",
            "Sec-WebSocket-Protocol: chat.v2"));

        // RFC 6455 §4.2.1: the key must decode to 16 bytes. nginx and YARP pass the handshake on and the backend's 400
        // and its text arrive unchanged; HAProxy checks the key itself and answers with its own 400 page.
        RawResponseHead head = await connection.ReadHeadAsync();
        Assert.True(head.StatusCode == 400, head.Text);
        string body = await connection.ReadBodyAsync(head);
        if (byTheBackend)
        {
            Assert.Equal("Sec-WebSocket-Key must be 16 bytes encoded as base64 (24 characters).\n", body);
        }
        else
        {
            Assert.Contains("<h1>400 Bad request</h1>", body, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(DeploymentFixture.Proxies), MemberType = typeof(DeploymentFixture))]
    public async Task WebSocketWithAnUnsupportedVersion_GetsTheBackends426(string proxyName)
    {
        ReverseProxy proxy = deployment.Proxy(proxyName);
        await using RawConnection connection = await RawConnection.OpenAsync(proxy.Port);
        await connection.SendAsync(Clients.RequestHead(
            proxy, "GET", "/chat",
            "Connection: Upgrade",
            "Upgrade: websocket",
            "Sec-WebSocket-Version: 8",
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
            "Sec-WebSocket-Protocol: chat.v2"));

        // RFC 6455 §4.4: 426 with the versions the server speaks, which reach the client through every proxy.
        RawResponseHead head = await connection.ReadHeadAsync();
        Assert.True(head.StatusCode == 426, head.Text);
        Assert.Equal("13", Assert.Single(head.Values("Sec-WebSocket-Version")));
        Assert.StartsWith("Sec-WebSocket-Version must be sent once", await connection.ReadBodyAsync(head), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(DeploymentFixture.Proxies), MemberType = typeof(DeploymentFixture))]
    public async Task WebSocketWithoutACommonSubProtocol_IsRefusedWithTheBackendsBadRequest(string proxyName)
    {
        using ClientWebSocket client = Clients.WebSocket("mqtt");

        Assert.Equal(400, await Clients.ConnectAsync(client, deployment.Proxy(proxyName).WebSocketUri("/chat")));
        Assert.Equal(WebSocketState.Closed, client.State);
    }

    [Theory]
    [MemberData(nameof(DeploymentFixture.Proxies), MemberType = typeof(DeploymentFixture))]
    public async Task PlainRequestToTheUpgradeOnlyEndpoint_GetsTheBackends426(string proxyName)
    {
        using HttpClient http = Clients.Http();

        using HttpResponseMessage response = await http.GetAsync(deployment.Proxy(proxyName).HttpUri("/chat"));

        // RFC 9110 §15.5.22: the backend's 426 and its explanation reach the client.
        Assert.Equal(HttpStatusCode.UpgradeRequired, response.StatusCode);
        Assert.StartsWith("This resource requires a protocol upgrade", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
