using System;
using System.Net.WebSockets;
using System.Threading.Tasks;
using HttpUpgrade.AspNetCore.Tests;
using Xunit;

namespace HttpUpgrade.Deployment.Tests;

/// <summary>
/// nginx without the WebSocket lines (Proxies/nginx-no-upgrade.conf): it does not forward the hop-by-hop Upgrade and
/// Connection fields (RFC 9110 §7.6.1), so the backend sees a plain request and its 426 reaches the client.
/// </summary>
[Collection(DeploymentCollection.Name)]
public sealed class StrippedUpgradeTests(DeploymentFixture deployment)
{
    [Fact]
    public async Task WebSocketClient_SeesTheBackends426()
    {
        using ClientWebSocket client = Clients.WebSocket("chat.v2");

        Assert.Equal(426, await Clients.ConnectAsync(client, deployment.Proxy("nginx-no-upgrade").WebSocketUri("/chat")));
    }

    [Fact]
    public async Task CustomToken_SeesTheBackends426_AndItsExplanation()
    {
        ReverseProxy proxy = deployment.Proxy("nginx-no-upgrade");
        await using RawConnection connection = await RawConnection.OpenAsync(proxy.Port);
        await connection.SendAsync(Clients.RequestHead(proxy, "GET", "/chat", "Connection: Upgrade", "Upgrade: echo/1"));

        RawResponseHead head = await connection.ReadHeadAsync();
        Assert.True(head.StatusCode == 426, head.Text);
        Assert.StartsWith("This resource requires a protocol upgrade", await connection.ReadBodyAsync(head), StringComparison.Ordinal);
    }
}
