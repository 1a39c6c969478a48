using System.Net;
using System.Net.WebSockets;
using System.Text;

namespace HttpUpgradeApp.Tests;

/// <summary>The WebSocket chat, through .NET's <see cref="ClientWebSocket"/>.</summary>
public sealed class ChatTests(AppFixture app) : IClassFixture<AppFixture>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task EveryMemberReceivesAMessageTheSenderIncluded()
    {
        using var timeout = new CancellationTokenSource(s_timeout);
        using ClientWebSocket alice = await JoinAsync("alice", timeout.Token);
        using ClientWebSocket bob = await JoinAsync("bob", timeout.Token);

        // Alice was in the room (she had her own message back) before Bob said he was there.
        Assert.Equal("bob is here", await ReceiveTextAsync(alice, timeout.Token));

        await SendTextAsync(alice, "hello, bob", timeout.Token);
        Assert.Equal("hello, bob", await ReceiveTextAsync(bob, timeout.Token));
        Assert.Equal("hello, bob", await ReceiveTextAsync(alice, timeout.Token));

        await alice.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
        await bob.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, alice.CloseStatus);
    }

    [Fact]
    public async Task APlainRequestGets426NamingTheProtocolsOfTheEndpoint()
    {
        using var client = new HttpClient { BaseAddress = app.Address, Timeout = s_timeout };

        using HttpResponseMessage response = await client.GetAsync("/chat");

        // RFC 9110 §15.5.22: a 426 carries an Upgrade header with the protocols the server would switch to.
        Assert.Equal(HttpStatusCode.UpgradeRequired, response.StatusCode);
        string upgrade = string.Join(", ", response.Headers.GetValues("Upgrade"));
        Assert.Contains("websocket", upgrade, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("echo/1", upgrade, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Connects, then sends "{name} is here" and waits for it to come back: from then on, the member is in the room.</summary>
    private async Task<ClientWebSocket> JoinAsync(string name, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("chat.v1");
        await socket.ConnectAsync(new Uri($"ws://{app.Address.Authority}/chat"), cancellationToken);
        Assert.Equal("chat.v1", socket.SubProtocol);

        await SendTextAsync(socket, $"{name} is here", cancellationToken);
        Assert.Equal($"{name} is here", await ReceiveTextAsync(socket, cancellationToken));
        return socket;
    }

    private static Task SendTextAsync(WebSocket socket, string text, CancellationToken cancellationToken)
        => socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    private static async Task<string> ReceiveTextAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        using var message = new MemoryStream();
        ValueWebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer.AsMemory(), cancellationToken);
            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);

        Assert.Equal(WebSocketMessageType.Text, result.MessageType);
        return Encoding.UTF8.GetString(message.ToArray());
    }
}
