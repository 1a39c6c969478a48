using System;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;

namespace HttpUpgrade.AspNetCore.Tests;

/// <summary>RFC 6455 §7.4.1: a host that stops says goodbye (1001) on every open WebSocket, within its shutdown timeout.</summary>
public sealed class ShutdownTests
{
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(5);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task HostShutdown_ClosesEveryWebSocketWith1001_CancelsRawHandlers_AndFinishesInTime(bool fastPath)
    {
        var journal = new HandlerJournal();
        (WebApplication app, int port) = await StartAsync(journal, closeTimeout: TimeSpan.FromSeconds(3), fastPath);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));

        // Three WebSocket clients that answer the server's close, as a well-behaved client does.
        ClientWebSocket[] clients = new ClientWebSocket[3];
        for (int i = 0; i < clients.Length; i++)
        {
            clients[i] = new ClientWebSocket();
            clients[i].Options.AddSubProtocol("chat.v1");
            await clients[i].ConnectAsync(new Uri($"ws://127.0.0.1:{port}/ws"), timeout.Token);
        }

        Task<(WebSocketCloseStatus?, string?)>[] goodbyes = clients.Select(client => AnswerCloseAsync(client, timeout.Token)).ToArray();

        await using RawConnection raw = await RawConnection.OpenAsync(port);
        await raw.SendAsync("GET /ws?id=raw HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: park/1\r\n\r\n");
        Assert.Equal(101, (await raw.ReadHeadAsync()).StatusCode);

        var stopping = Stopwatch.StartNew();
        await app.StopAsync(timeout.Token);
        stopping.Stop();

        foreach ((WebSocketCloseStatus? status, string? description) in await Task.WhenAll(goodbyes))
        {
            Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, status);
            Assert.Equal("The server is shutting down.", description);
        }

        Assert.Equal("park cancelled raw", await journal.WaitForAsync("park cancelled", TimeSpan.FromSeconds(1)));

        // Every client answered at once, so nothing waited for the shutdown timeout.
        Assert.True(stopping.Elapsed < ShutdownTimeout, $"Stopping took {stopping.Elapsed}.");
        foreach (ClientWebSocket client in clients)
        {
            Assert.Equal(WebSocketState.Closed, client.State);
            client.Dispose();
        }

        await app.DisposeAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task HostShutdown_AClientThatNeverAnswersTheClose_IsCutOffAfterTheCloseTimeout(bool fastPath)
    {
        var journal = new HandlerJournal();
        (WebApplication app, int port) = await StartAsync(journal, closeTimeout: TimeSpan.FromMilliseconds(500), fastPath);

        // A raw client that reads the 1001 and then says nothing more.
        await using RawConnection connection = await RawConnection.OpenAsync(port);
        await connection.SendAsync(
            "GET /ws?id=silent HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: test.cancel\r\n\r\n");
        Assert.Equal(101, (await connection.ReadHeadAsync()).StatusCode);

        var stopping = Stopwatch.StartNew();
        Task stop = app.StopAsync();
        byte[] close = await connection.ReadExactlyAsync(4);
        Assert.Equal(0x88, close[0]);
        Assert.Equal(1001, (close[2] << 8) | close[3]);

        await stop;
        stopping.Stop();
        Assert.Equal("websocket cancelled silent", await journal.WaitForAsync("websocket cancelled", TimeSpan.FromSeconds(1)));
        Assert.True(stopping.Elapsed < ShutdownTimeout, $"Stopping took {stopping.Elapsed}.");
        await app.DisposeAsync();
    }

    private static async Task<(WebSocketCloseStatus?, string?)> AnswerCloseAsync(ClientWebSocket client, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[256];
        while (true)
        {
            ValueWebSocketReceiveResult result = await client.ReceiveAsync(buffer.AsMemory(), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken);
                return (client.CloseStatus, client.CloseStatusDescription);
            }
        }
    }

    /// <param name="fastPath">Whether the listener answers the handshakes itself (<c>UseUpgradeFastPath</c>).</param>
    private static async Task<(WebApplication App, int Port)> StartAsync(HandlerJournal journal, TimeSpan closeTimeout, bool fastPath)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = ShutdownTimeout);
        builder.Services.AddSingleton(new DisposalJournal());
        builder.Services.AddSingleton(journal);
        builder.Services.AddUpgradeHandlers();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (fastPath)
            {
                listen.UseUpgradeFastPath();
            }
        }));

        WebApplication app = builder.Build();
        app.MapUpgrade("/ws", options => options.CloseTimeout = closeTimeout);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return (app, new Uri(address).Port);
    }
}
