using System;
using System.Net.WebSockets;
using System.Text;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace HttpUpgrade.AspNetCore.Tests;

/// <summary>Echoes every WebSocket message back until the client closes. The only handler for the chat subprotocols.</summary>
[UpgradeProtocol("websocket", Versions = "13", SubProtocols = "chat.v2, chat.v1, chat")]
public sealed class EchoWebSocketHandler : IWebSocketHandler
{
    public async Task OnConnectedAsync(WebSocket socket, UpgradeContext context, CancellationToken aborted)
    {
        byte[] buffer = new byte[4096];
        while (true)
        {
            ValueWebSocketReceiveResult received = await socket.ReceiveAsync(buffer.AsMemory(), aborted);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, aborted);
        }
    }
}

/// <summary>Fails as soon as it is connected; selected by the subprotocol <c>test.throws</c>.</summary>
[UpgradeProtocol("websocket", Versions = "13", SubProtocols = "test.throws")]
public sealed class ThrowingWebSocketHandler : IWebSocketHandler
{
    public const string Failure = "The handler failed on purpose.";

    public Task OnConnectedAsync(WebSocket socket, UpgradeContext context, CancellationToken aborted)
        => throw new InvalidOperationException(Failure);
}

/// <summary>Copies the raw connection to itself.</summary>
[UpgradeProtocol("echo", Versions = "1")]
public sealed class RawEchoHandler : IUpgradeHandler
{
    public Task HandleAsync(UpgradeContext context, CancellationToken aborted)
        => context.Transport.CopyToAsync(context.Transport, aborted);
}

/// <summary>Needs a service the test host never registers, so it can never be constructed.</summary>
[UpgradeProtocol("needs-service")]
public sealed class UnresolvableHandler(UnregisteredService service) : IUpgradeHandler
{
    public Task HandleAsync(UpgradeContext context, CancellationToken aborted)
        => context.Transport.WriteAsync(Encoding.ASCII.GetBytes(service.ToString()!), aborted).AsTask();
}

/// <summary>A dependency deliberately missing from the test host's services.</summary>
public sealed class UnregisteredService;

/// <summary>
/// Writes one line describing what it was given (protocol, version, and the request path read through
/// <see cref="UpgradeContextHttpExtensions.GetHttpContext"/>), then ends; records its disposal.
/// </summary>
[UpgradeProtocol("whoami", Versions = "1")]
public sealed class WhoAmIHandler(DisposalJournal journal) : IUpgradeHandler, IAsyncDisposable
{
    public async Task HandleAsync(UpgradeContext context, CancellationToken aborted)
    {
        HttpContext http = context.GetHttpContext() ?? throw new InvalidOperationException("No HttpContext.");
        string line = $"{context.Protocol}/{context.Version} {http.Request.Path}{http.Request.QueryString}\n";
        await context.Transport.WriteAsync(Encoding.ASCII.GetBytes(line), aborted);
        await context.Transport.FlushAsync(aborted);
    }

    public ValueTask DisposeAsync()
    {
        journal.Record(nameof(WhoAmIHandler));
        return ValueTask.CompletedTask;
    }
}

/// <summary>A singleton the handlers tell when they are disposed.</summary>
public sealed class DisposalJournal
{
    private readonly Channel<string> _disposed = Channel.CreateUnbounded<string>();

    public void Record(string handler) => _disposed.Writer.TryWrite(handler);

    public async Task<string> NextAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        return await _disposed.Reader.ReadAsync(cancellation.Token);
    }
}

/// <summary>A singleton the handlers tell what happened to them, read by the lifecycle tests.</summary>
public sealed class HandlerJournal
{
    private readonly Channel<string> _events = Channel.CreateUnbounded<string>();

    public void Record(string entry) => _events.Writer.TryWrite(entry);

    /// <summary>Entries recorded and not read yet.</summary>
    public int Count => _events.Reader.Count;

    /// <summary>Waits for an entry that starts with <paramref name="prefix"/>, skipping others.</summary>
    public async Task<string> WaitForAsync(string prefix, TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        while (true)
        {
            string entry = await _events.Reader.ReadAsync(cancellation.Token);
            if (entry.StartsWith(prefix, StringComparison.Ordinal))
            {
                return entry;
            }
        }
    }
}

/// <summary>Waits on its <c>aborted</c> token and records, with a per-connection id from the query, that it was cancelled.</summary>
[UpgradeProtocol("websocket", Versions = "13", SubProtocols = "test.cancel")]
public sealed class CancellationProbeHandler(HandlerJournal journal) : IWebSocketHandler
{
    public async Task OnConnectedAsync(WebSocket socket, UpgradeContext context, CancellationToken aborted)
    {
        string id = context.GetHttpContext()!.Request.Query["id"].ToString();
        try
        {
            await Task.Delay(Timeout.Infinite, aborted);
        }
        catch (OperationCanceledException)
        {
            journal.Record($"websocket cancelled {id}");
            throw;
        }
    }
}

/// <summary>
/// Gives up on its own WebSocket at once, as a keep-alive timeout does, then waits on its <c>aborted</c> token and records,
/// with a per-connection id from the query, that it was cancelled.
/// </summary>
[UpgradeProtocol("websocket", Versions = "13", SubProtocols = "test.selfabort")]
public sealed class SelfAbortingWebSocketHandler(HandlerJournal journal) : IWebSocketHandler
{
    public async Task OnConnectedAsync(WebSocket socket, UpgradeContext context, CancellationToken aborted)
    {
        string id = context.GetHttpContext()!.Request.Query["id"].ToString();
        socket.Abort();
        try
        {
            await Task.Delay(Timeout.Infinite, aborted);
        }
        catch (OperationCanceledException)
        {
            journal.Record($"websocket gave up {id}");
            throw;
        }
    }
}

/// <summary>A raw handler that parks on its <c>aborted</c> token and records its cancellation.</summary>
[UpgradeProtocol("park", Versions = "1")]
public sealed class ParkHandler(HandlerJournal journal) : IUpgradeHandler
{
    public async Task HandleAsync(UpgradeContext context, CancellationToken aborted)
    {
        string id = context.GetHttpContext()!.Request.Query["id"].ToString();
        try
        {
            await Task.Delay(Timeout.Infinite, aborted);
        }
        catch (OperationCanceledException)
        {
            journal.Record($"park cancelled {id}");
            throw;
        }
    }
}

/// <summary>A raw handler that fails after the 101 went out, as soon as the client has sent a byte.</summary>
[UpgradeProtocol("boom", Versions = "1")]
public sealed class ThrowingRawHandler : IUpgradeHandler
{
    public async Task HandleAsync(UpgradeContext context, CancellationToken aborted)
    {
        await context.Transport.ReadExactlyAsync(new byte[1], aborted);
        throw new InvalidOperationException("The raw handler failed on purpose.");
    }
}

/// <summary>Sends one text message describing how it was reached, then echoes until the client closes.</summary>
[UpgradeProtocol("websocket", Versions = "13", SubProtocols = "test.report")]
public sealed class ReportingWebSocketHandler : IWebSocketHandler
{
    public async Task OnConnectedAsync(WebSocket socket, UpgradeContext context, CancellationToken aborted)
    {
        HttpContext http = context.GetHttpContext()!;
        string report = $"{http.Request.Protocol} {http.Request.Method} {context.SubProtocol} {context.Version}";
        await socket.SendAsync(Encoding.UTF8.GetBytes(report), WebSocketMessageType.Text, endOfMessage: true, aborted);
        await new EchoWebSocketHandler().OnConnectedAsync(socket, context, aborted);
    }
}

/// <summary>Returns as soon as it is connected; the host then closes with 1000.</summary>
[UpgradeProtocol("websocket", Versions = "13", SubProtocols = "test.quick")]
public sealed class QuickWebSocketHandler : IWebSocketHandler
{
    public Task OnConnectedAsync(WebSocket socket, UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;
}
