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

/// <summary>
/// RFC 6455 §7.4.1: a host that stops says goodbye (1001) on every open WebSocket, within its shutdown timeout, and
/// answers an upgrade that reaches the endpoint while it stops with 503.
/// </summary>
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

    [Fact]
    public async Task AnUpgradeReachingTheEndpointWhileTheHostStops_IsAnswered503_AndNoHandlerIsCreated()
    {
        var journal = new HandlerJournal();
        var logs = new RecordingLoggerProvider();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        (WebApplication app, int port) = await StartAsync(journal, closeTimeout: TimeSpan.FromSeconds(3), logs: logs, gate: gate.Task);

        // A WebSocket whose client never answers the server's close: the host stays in its stopping phase for the close
        // timeout, and its 1001 tells the test that the endpoint now knows the host is stopping.
        await using RawConnection held = await RawConnection.OpenAsync(port);
        await held.SendAsync(
            "GET /ws?id=held HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: test.cancel\r\n\r\n");
        Assert.Equal(101, (await held.ReadHeadAsync()).StatusCode);

        // An upgrade on a connection opened before the stop, held by app middleware (as authentication might hold it)
        // until the host is stopping: Kestrel accepts no new connection by then, but serves requests already inside.
        await using RawConnection late = await RawConnection.OpenAsync(port);
        await late.SendAsync("GET /ws?id=late&gate=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: park/1\r\n\r\n");
        Assert.Equal("gated late", await journal.WaitForAsync("gated", TimeSpan.FromSeconds(10)));

        Task stop = app.StopAsync();
        byte[] close = await held.ReadExactlyAsync(4);
        Assert.Equal(0x88, close[0]);
        Assert.Equal(1001, (close[2] << 8) | close[3]);
        gate.SetResult();

        // RFC 9110 §15.6.4: the server cannot take the upgrade now; the connection ends with the answer.
        RawResponseHead head = await late.ReadHeadAsync();
        Assert.Equal(503, head.StatusCode);
        Assert.Equal(["close"], head.Values("Connection"));
        Assert.Empty(head.Values("Upgrade"));
        Assert.Equal("The server is shutting down.\n", await late.ReadBodyAsync(head));
        Assert.Empty(await late.ReadToEndAsync());

        await stop;
        LogEntry refused = await logs.WaitForAsync("UpgradeRefusedShuttingDown", _ => true);
        Assert.Equal(LogLevel.Debug, refused.Level);
        Assert.Equal("websocket cancelled held", await journal.WaitForAsync("websocket cancelled", TimeSpan.FromSeconds(1)));

        // ParkHandler was never created: it would have been constructed (and, parked, cancelled) before any 101.
        Assert.Equal(0, journal.Count);
        Assert.DoesNotContain(logs.Entries, entry => entry.EventId.Name == "SwitchingProtocols" && entry.Message.Contains("'park'", StringComparison.Ordinal));
        await app.DisposeAsync();
    }

    [Fact]
    public async Task AnUpgradeWhoseHeadEndsWhileTheHostStops_IsAnswered503_OnAConnectionOpenedBefore()
    {
        var journal = new HandlerJournal();
        var logs = new RecordingLoggerProvider();
        (WebApplication app, int port) = await StartAsync(journal, closeTimeout: TimeSpan.FromSeconds(3), logs: logs);

        await using RawConnection held = await RawConnection.OpenAsync(port);
        await held.SendAsync(
            "GET /ws?id=held HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: test.cancel\r\n\r\n");
        Assert.Equal(101, (await held.ReadHeadAsync()).StatusCode);

        // Most of a head before the stop: Kestrel, when it stops, closes connections waiting for a request but finishes
        // reading one it has started. Its last line arrives once the endpoint knows the host is stopping (the 1001).
        await using RawConnection late = await RawConnection.OpenAsync(port);
        await late.SendAsync("GET /ws?id=late HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\n");

        // Kestrel reads those bytes as they arrive; the pause only makes sure it has before it is told to stop.
        await Task.Delay(200);

        Task stop = app.StopAsync();
        byte[] close = await held.ReadExactlyAsync(4);
        Assert.Equal(1001, (close[2] << 8) | close[3]);
        await late.SendAsync("Upgrade: park/1\r\n\r\n");

        RawResponseHead head = await late.ReadHeadAsync();
        Assert.Equal(503, head.StatusCode);
        Assert.Equal("The server is shutting down.\n", await late.ReadBodyAsync(head));
        Assert.Empty(await late.ReadToEndAsync());

        await stop;
        Assert.Equal(LogLevel.Debug, (await logs.WaitForAsync("UpgradeRefusedShuttingDown", _ => true)).Level);
        await app.DisposeAsync();
    }

    [Fact]
    public async Task HostShutdown_WithAnInfiniteCloseTimeout_EndsHandlersBeforeKestrelHasToAbortThem()
    {
        // CloseTimeout says "wait for the client forever", the host says "stop within 4 s". A handler waiting on a client
        // that never answers the 1001 is cancelled at three quarters of the host's timeout (3 s), so the connection ends
        // gracefully and Kestrel never has to abort it.
        var journal = new HandlerJournal();
        var logs = new RecordingLoggerProvider();
        (WebApplication app, int port) = await StartAsync(journal, closeTimeout: Timeout.InfiniteTimeSpan, logs: logs, hostShutdownTimeout: TimeSpan.FromSeconds(4));

        await using RawConnection connection = await RawConnection.OpenAsync(port);
        await connection.SendAsync(
            "GET /ws?id=forever HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: test.cancel\r\n\r\n");
        Assert.Equal(101, (await connection.ReadHeadAsync()).StatusCode);

        Task stop = app.StopAsync();
        byte[] close = await connection.ReadExactlyAsync(4);
        Assert.Equal(1001, (close[2] << 8) | close[3]);
        await stop;

        Assert.Equal("websocket cancelled forever", await journal.WaitForAsync("websocket cancelled", TimeSpan.FromSeconds(1)));
        Assert.DoesNotContain(logs.Entries, entry => entry.EventId.Name is "NotAllConnectionsClosedGracefully" or "NotAllConnectionsAborted");
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
    private static async Task<(WebApplication App, int Port)> StartAsync(
        HandlerJournal journal,
        TimeSpan closeTimeout,
        bool fastPath = false,
        RecordingLoggerProvider? logs = null,
        Task? gate = null,
        TimeSpan? hostShutdownTimeout = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
            builder.Logging.SetMinimumLevel(LogLevel.Debug);
        }

        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = hostShutdownTimeout ?? ShutdownTimeout);
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
        if (gate is not null)
        {
            // Holds a request marked 'gate' in the app, before its endpoint runs, until the test opens the gate.
            app.Use(async (context, next) =>
            {
                if (context.Request.Query.ContainsKey("gate"))
                {
                    journal.Record($"gated {context.Request.Query["id"]}");
                    await gate;
                }

                await next(context);
            });
        }

        app.MapUpgrade("/ws", options => options.CloseTimeout = closeTimeout);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return (app, new Uri(address).Port);
    }
}
