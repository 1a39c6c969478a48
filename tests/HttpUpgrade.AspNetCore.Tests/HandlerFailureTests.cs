using System;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Xunit;

namespace HttpUpgrade.AspNetCore.Tests;

/// <summary>What a client sees when the app's handler cannot be built or fails.</summary>
public abstract class HandlerFailureCases(KestrelFixture server)
{
    [Fact]
    public async Task HandlerWithAnUnregisteredDependency_Is500_NeverA101()
    {
        await using RawConnection connection = await RawConnection.OpenAsync(server.Port);
        await connection.SendAsync("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: needs-service\r\n\r\n");

        RawResponseHead head = await connection.ReadHeadAsync();
        Assert.Equal(("HTTP/1.1", 500), (head.HttpVersion, head.StatusCode));
        Assert.Empty(head.Values("Upgrade"));
        Assert.Equal(["text/plain; charset=utf-8"], head.Values("Content-Type"));

        // Like every refusal of the endpoint, a one-line explanation ending in a newline; its wording is not promised.
        string body = await connection.ReadBodyAsync(head);
        Assert.EndsWith("\n", body, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', body[..^1]);
        Assert.NotEmpty(body.Trim());

        LogEntry entry = await server.Logs.WaitForAsync("HandlerCreationFailed", e => e.Message.Contains(nameof(UnresolvableHandler), StringComparison.Ordinal));
        Assert.Equal("HttpUpgrade.AspNetCore", entry.Category);
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.IsType<InvalidOperationException>(entry.Exception);
        Assert.Contains(nameof(UnregisteredService), entry.Exception!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WebSocketHandlerThatThrows_ClosesWith1011_AndIsLogged()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var client = new ClientWebSocket();
        client.Options.AddSubProtocol("test.throws");
        await client.ConnectAsync(server.WebSocketUri("/ws"), timeout.Token);
        Assert.Equal("test.throws", client.SubProtocol);

        ValueWebSocketReceiveResult received = await client.ReceiveAsync(new byte[64].AsMemory(), timeout.Token);
        Assert.Equal(WebSocketMessageType.Close, received.MessageType);
        Assert.Equal(WebSocketCloseStatus.InternalServerError, client.CloseStatus);

        LogEntry entry = await server.Logs.WaitForAsync("WebSocketHandlerFailed", e => e.Exception?.Message == ThrowingWebSocketHandler.Failure);
        Assert.Equal(LogLevel.Error, entry.Level);
    }

    [Fact]
    public async Task AClientResetAfterARawTokenSwitch_IsTheClientGoingAway_LoggedAtDebugNotError()
    {
        RawConnection connection = await RawConnection.OpenAsync(server.Port);
        await connection.SendAsync("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: echo/1\r\n\r\n", "ping"u8.ToArray());
        Assert.Equal(101, (await connection.ReadHeadAsync()).StatusCode);
        Assert.Equal("ping"u8.ToArray(), await connection.ReadExactlyAsync(4));

        connection.Reset();

        LogEntry aborted = await server.Logs.WaitForAsync("ConnectionAborted", e => e.Message.Contains(nameof(RawEchoHandler), StringComparison.Ordinal));
        Assert.Equal(LogLevel.Debug, aborted.Level);
        Assert.DoesNotContain(server.Logs.Entries, e => e.EventId.Name == "UpgradeHandlerFailed" && e.Message.Contains(nameof(RawEchoHandler), StringComparison.Ordinal));
        await connection.DisposeAsync();
    }
}

/// <summary>The cases of <see cref="HandlerFailureCases"/> against <c>MapUpgrade</c>, served by Kestrel's HTTP engine.</summary>
public sealed class HandlerFailureTests(KestrelFixture server) : HandlerFailureCases(server), IClassFixture<KestrelFixture>;

/// <summary>The cases of <see cref="HandlerFailureCases"/> on a listener with <c>UseUpgradeFastPath()</c>.</summary>
public sealed class HandlerFailureFastPathTests(FastPathKestrelFixture server) : HandlerFailureCases(server), IClassFixture<FastPathKestrelFixture>;
