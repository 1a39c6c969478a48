using System;
using System.Net.WebSockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace HttpUpgrade.AspNetCore.Tests;

/// <summary>.NET's own WebSocket client against the adapter.</summary>
public abstract class ClientWebSocketCases(KestrelFixture server)
{
    public static TheoryData<string, string[], string> SubProtocolCases => new()
    {
        { "RFC 6455 §4.2.2: the server picks the only offered subprotocol it speaks", ["chat.v1"], "chat.v1" },
        { "RFC 6455 §4.1: the client's order is its preference, so the first one spoken wins", ["chat.v2", "chat.v1"], "chat.v2" },
        { "The client's preference wins over the handler's declaration order", ["chat.v1", "chat.v2"], "chat.v1" },
        { "Subprotocols the server does not speak are skipped, never echoed", ["mqtt", "chat.v2"], "chat.v2" },
    };

    [Theory]
    [MemberData(nameof(SubProtocolCases))]
    public async Task Echo_NegotiatesSubProtocol_RoundTripsAMessage_AndClosesCleanly(string rule, string[] offered, string expected)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var client = new ClientWebSocket();
        foreach (string subProtocol in offered)
        {
            client.Options.AddSubProtocol(subProtocol);
        }

        await client.ConnectAsync(server.WebSocketUri("/ws"), timeout.Token);
        Assert.True(expected == client.SubProtocol, $"{rule}: expected '{expected}', negotiated '{client.SubProtocol}'.");

        byte[] message = Encoding.UTF8.GetBytes($"héllo over {expected}");
        await client.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
        byte[] buffer = new byte[256];
        ValueWebSocketReceiveResult received = await client.ReceiveAsync(buffer.AsMemory(), timeout.Token);
        Assert.Equal(WebSocketMessageType.Text, received.MessageType);
        Assert.True(received.EndOfMessage);
        Assert.Equal(message, buffer.AsSpan(0, received.Count).ToArray());

        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
        Assert.Equal(WebSocketState.Closed, client.State);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
    }

    [Fact]
    public async Task LargeFragmentedMessage_RoundTrips()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var client = new ClientWebSocket();
        client.Options.AddSubProtocol("chat.v1");
        await client.ConnectAsync(server.WebSocketUri("/ws"), timeout.Token);

        byte[] message = new byte[100_000];
        new Random(6455).NextBytes(message);
        await client.SendAsync(message.AsMemory(0, 40_000), WebSocketMessageType.Binary, endOfMessage: false, timeout.Token);
        await client.SendAsync(message.AsMemory(40_000), WebSocketMessageType.Binary, endOfMessage: true, timeout.Token);

        byte[] received = new byte[message.Length];
        int total = 0;
        while (true)
        {
            ValueWebSocketReceiveResult result = await client.ReceiveAsync(received.AsMemory(total), timeout.Token);
            Assert.Equal(WebSocketMessageType.Binary, result.MessageType);
            total += result.Count;
            if (result.EndOfMessage)
            {
                break;
            }
        }

        Assert.Equal(message.Length, total);
        Assert.Equal(message, received);
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
    }
}

/// <summary>The cases of <see cref="ClientWebSocketCases"/> against <c>MapUpgrade</c>, served by Kestrel's HTTP engine.</summary>
public sealed class ClientWebSocketTests(KestrelFixture server) : ClientWebSocketCases(server), IClassFixture<KestrelFixture>;

/// <summary>The cases of <see cref="ClientWebSocketCases"/> on a listener with <c>UseUpgradeFastPath()</c>.</summary>
public sealed class ClientWebSocketFastPathTests(FastPathKestrelFixture server) : ClientWebSocketCases(server), IClassFixture<FastPathKestrelFixture>;
