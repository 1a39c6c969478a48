using System;
using System.IO;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace HttpUpgrade.AspNetCore;

/// <summary>
/// Carries out an accepted decision: creates the handler, switches protocols with the decision's response, and runs the
/// handler over the upgraded connection until it ends. When the host cannot carry the decision out, it writes the
/// negotiator's refusal instead.
/// </summary>
internal sealed class UpgradeHandlerRunner
{
    private const string HandlerFailedDescription = "The server's handler failed.";

    private readonly UpgradeNegotiator _negotiator;
    private readonly UpgradedConnectionTracker _connections;
    private readonly UpgradeMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeSpan _keepAliveInterval;
    private readonly TimeSpan _keepAliveTimeout;
    private readonly TimeSpan _closeTimeout;
    private readonly TimeSpan _handshakeTimeout;
    private readonly TimeSpan? _retryAfter;

    public UpgradeHandlerRunner(UpgradeNegotiator negotiator, UpgradeEndpointOptions options, UpgradedConnectionTracker connections, UpgradeMetrics metrics, ILogger logger)
    {
        _negotiator = negotiator;
        _connections = connections;
        _metrics = metrics;
        _logger = logger;
        _keepAliveInterval = options.WebSocketKeepAliveInterval;
        _keepAliveTimeout = options.WebSocketKeepAliveTimeout;
        _closeTimeout = options.CloseTimeout;
        _handshakeTimeout = options.HandshakeTimeout;
        _retryAfter = options.ConnectionLimitRetryAfter == TimeSpan.Zero ? null : options.ConnectionLimitRetryAfter;
    }

    public Task RunAsync(HttpContext context, UpgradeDecision decision, long startTimestamp)
    {
        // The registration's type is its handler's contract: a WebSocketHandlerRegistration's handler receives a
        // WebSocket, every other (the only other kind) owns the raw stream.
        return decision.Registration is WebSocketHandlerRegistration webSocket
            ? RunAsync(context, decision, startTimestamp, webSocket.Factory, static (runner, handler, context, decision, transport) => runner.RunWebSocketAsync(handler, context, decision, transport))
            : RunAsync(context, decision, startTimestamp, ((UpgradeHandlerRegistration)decision.Registration!).Factory, static (runner, handler, context, decision, transport) => runner.RunStreamAsync(handler, context, decision, transport));
    }

    private async Task RunAsync<THandler>(
        HttpContext context,
        UpgradeDecision decision,
        long startTimestamp,
        Func<IServiceProvider, THandler> factory,
        Func<UpgradeHandlerRunner, THandler, HttpContext, UpgradeDecision, Stream, Task> run)
        where THandler : class
    {
        // Everything from here to the handler getting the connection is bounded: a client that stops reading must not
        // hold a connection slot, a handler and a half-written 101 for as long as it likes.
        using HandshakeDeadline deadline = HandshakeDeadline.Start(_handshakeTimeout, static state => ((HttpContext)state!).Abort(), context);
        if (!await AdmitAsync(context, decision, startTimestamp))
        {
            return;
        }

        try
        {
            THandler? handler = await CreateAsync(context, decision, startTimestamp, factory);
            if (handler is null)
            {
                return;
            }

            try
            {
                Stream? transport = await SwitchProtocolsAsync(context, decision, startTimestamp, deadline);
                if (transport is null)
                {
                    return;
                }

                if (!deadline.TryComplete())
                {
                    // The timer aborted the connection while the 101 was going out: the handler never gets it.
                    Log.HandshakeTimedOut(_logger, context.Request.Path.Value ?? "/", _handshakeTimeout);
                    return;
                }

                _metrics.Negotiated(decision, startTimestamp);
                using UpgradeMetrics.ActiveConnection active = _metrics.Opened(decision.Registration!.Name);
                await run(this, handler, context, decision, transport);
            }
            finally
            {
                await DisposeAsync(handler, decision.Registration!);
            }
        }
        finally
        {
            _connections.Release();
        }
    }

    private async Task RunWebSocketAsync(IWebSocketHandler handler, HttpContext context, UpgradeDecision decision, Stream transport)
    {
        var upgradeContext = new UpgradeContext(decision.Registration!, decision.Version, decision.SubProtocol, transport, context.RequestServices, context);
        using WebSocket socket = WebSocket.CreateFromStream(new AbortableTransport(transport), new WebSocketCreationOptions
        {
            IsServer = true,
            SubProtocol = decision.SubProtocol,
            KeepAliveInterval = _keepAliveInterval,
            KeepAliveTimeout = _keepAliveTimeout,
            DangerousDeflateOptions = decision.Deflate.ToDeflateOptions(),
        });

        // The handler's token is cancelled when the client goes away and, after a 1001 close, when the host shuts down.
        using UpgradedConnectionTracker.UpgradedConnection connection = _connections.Open(socket, context.RequestAborted);
        CancellationToken aborted = connection.Aborted;
        string handlerName = upgradeContext.Registration.HandlerName;
        try
        {
            await handler.OnConnectedAsync(socket, upgradeContext, aborted);
        }
        catch (Exception exception) when (aborted.IsCancellationRequested || socket.State == WebSocketState.Aborted || IsClientGone(exception))
        {
            // The client went away, or the host cut the connection at the end of its shutdown timeout: not the handler's
            // fault, so Debug, as for a raw handler.
            Log.ConnectionAborted(_logger, handlerName, upgradeContext.Protocol, exception);
            return;
        }
        catch (Exception exception)
        {
            Log.WebSocketHandlerFailed(_logger, handlerName, exception);
            _metrics.HandlerFailed(upgradeContext.Protocol, exception);
            await CloseAsync(socket, WebSocketCloseStatus.InternalServerError, HandlerFailedDescription, context.RequestAborted);
            return;
        }

        // RFC 6455 §7.1.2: the connection ends with a closing handshake, whether or not the handler started one.
        await CloseAsync(socket, WebSocketCloseStatus.NormalClosure, null, context.RequestAborted);
        Log.HandlerCompleted(_logger, handlerName, upgradeContext.Protocol);
    }

    private async Task RunStreamAsync(IUpgradeHandler handler, HttpContext context, UpgradeDecision decision, Stream transport)
    {
        var upgradeContext = new UpgradeContext(decision.Registration!, decision.Version, decision.SubProtocol, transport, context.RequestServices, context);
        using UpgradedConnectionTracker.UpgradedConnection connection = _connections.Open(null, context.RequestAborted);
        CancellationToken aborted = connection.Aborted;
        string handlerName = upgradeContext.Registration.HandlerName;
        try
        {
            await handler.HandleAsync(upgradeContext, aborted);
            Log.HandlerCompleted(_logger, handlerName, upgradeContext.Protocol);
        }
        catch (Exception exception) when (aborted.IsCancellationRequested || IsClientGone(exception))
        {
            // The client went away (a reset, an EOF mid-read, the host aborting): not the server's fault, so Debug.
            Log.ConnectionAborted(_logger, handlerName, upgradeContext.Protocol, exception);
        }
        catch (Exception exception)
        {
            // The upgraded protocol has no standard way to report a server error; a reset tells the peer the
            // exchange did not end normally, where a graceful close would not.
            Log.UpgradeHandlerFailed(_logger, handlerName, upgradeContext.Protocol, exception);
            _metrics.HandlerFailed(upgradeContext.Protocol, exception);
            context.Abort();
        }
    }

    /// <summary>
    /// Checks, before anything is created, that the host can switch, is not stopping, and has a connection slot for the
    /// endpoint (reserved when this returns true). Otherwise writes the refusal and returns false.
    /// </summary>
    private async ValueTask<bool> AdmitAsync(HttpContext context, UpgradeDecision decision, long startTimestamp)
    {
        if (!CanSwitchProtocols(context, decision))
        {
            Log.ServerCannotUpgrade(_logger, context.Request.Path.Value ?? "/");
            await RefuseAsync(context, decision, UpgradeReason.HostCannotUpgrade, startTimestamp);
            return false;
        }

        if (_connections.IsStopping)
        {
            Log.UpgradeRefusedShuttingDown(_logger, context.Request.Path.Value ?? "/");
            await RefuseAsync(context, decision, UpgradeReason.ShuttingDown, startTimestamp);
            return false;
        }

        if (!_connections.TryReserve())
        {
            // RFC 9110 §15.6.4: overloaded for now; the handler is never constructed, so a flood costs no app resources.
            Log.ConnectionLimitReached(_logger, context.Request.Path.Value ?? "/", _connections.Limit);
            await RefuseAsync(context, decision, UpgradeReason.ConnectionLimitReached, startTimestamp, _retryAfter);
            return false;
        }

        return true;
    }

    /// <summary>
    /// Creates the handler before the 101 goes out: a missing service must be an honest 500, not a switch followed by a
    /// dropped connection. Null when a refusal was written instead.
    /// </summary>
    private async ValueTask<THandler?> CreateAsync<THandler>(HttpContext context, UpgradeDecision decision, long startTimestamp, Func<IServiceProvider, THandler> factory)
        where THandler : class
    {
        try
        {
            return factory(context.RequestServices);
        }
        catch (Exception exception)
        {
            UpgradeRegistration registration = decision.Registration!;
            Log.HandlerCreationFailed(_logger, registration.HandlerName, registration.Name, exception);
            _metrics.HandlerFailed(registration.Name, exception);
            await RefuseAsync(context, decision, UpgradeReason.HandlerUnavailable, startTimestamp);
            return null;
        }
    }

    private Task RefuseAsync(HttpContext context, UpgradeDecision decision, UpgradeReason reason, long startTimestamp, TimeSpan? retryAfter = null)
    {
        UpgradeDecision refusal = _negotiator.Refuse(decision, reason, retryAfter);
        _metrics.Negotiated(refusal, startTimestamp);
        return UpgradeResponseWriter.WriteAsync(context, refusal);
    }

    private static bool CanSwitchProtocols(HttpContext context, in UpgradeDecision decision) => decision.IsExtendedConnect
        ? context.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true }
        : context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true };

    /// <summary>
    /// Sends the decision's 101 (HTTP/1.1) or 200 (extended CONNECT) and returns the upgraded connection, or answers the
    /// refusal and returns null.
    /// </summary>
    private async Task<Stream?> SwitchProtocolsAsync(HttpContext context, UpgradeDecision decision, long startTimestamp, HandshakeDeadline deadline)
    {
        UpgradeRegistration registration = decision.Registration!;
        UpgradeResponseWriter.SetHead(context.Response, decision);
        Log.SwitchingProtocols(_logger, context.Request.Path.Value ?? "/", decision.Upgrade ?? registration.Name, context.Request.Protocol, registration.HandlerName);
        try
        {
            // RFC 8441 §5: over HTTP/2 the server accepts with a 200 on the stream, which then carries the protocol.
            return decision.IsExtendedConnect
                ? await context.Features.GetRequiredFeature<IHttpExtendedConnectFeature>().AcceptAsync()
                : await context.Features.GetRequiredFeature<IHttpUpgradeFeature>().UpgradeAsync();
        }
        catch (Exception) when (deadline.HasExpired)
        {
            // The handshake timeout aborted the connection under the flush: the client's doing, not the server's.
            Log.HandshakeTimedOut(_logger, context.Request.Path.Value ?? "/", _handshakeTimeout);
            return null;
        }
        catch (Exception exception)
        {
            Log.UpgradeFailed(_logger, registration.Name, registration.HandlerName, exception);
            if (!context.Response.HasStarted)
            {
                // For example Kestrel's MaxConcurrentUpgradedConnections: nothing was sent, so the client gets an answer.
                context.Response.Clear();
                await RefuseAsync(context, decision, UpgradeReason.SwitchFailed, startTimestamp);
            }
            else
            {
                context.Abort();
            }

            return null;
        }
    }

    /// <summary>Whether <paramref name="exception"/> says the transport ended under the handler, rather than the handler failing.</summary>
    private static bool IsClientGone(Exception exception) => exception switch
    {
        Microsoft.AspNetCore.Connections.ConnectionResetException or Microsoft.AspNetCore.Connections.ConnectionAbortedException => true,
        EndOfStreamException => true,
        IOException { InnerException: System.Net.Sockets.SocketException or Microsoft.AspNetCore.Connections.ConnectionResetException } => true,
        IOException io when io.GetType() == typeof(IOException) => true,

        // RFC 6455 §7.1.5: the TCP connection closed without a closing handshake; the WebSocket reports the client's EOF so.
        WebSocketException { WebSocketErrorCode: WebSocketError.ConnectionClosedPrematurely } => true,
        _ => false,
    };

    private async Task CloseAsync(WebSocket socket, WebSocketCloseStatus status, string? description, CancellationToken aborted)
    {
        // CloseSent: the server's own close (a shutdown's 1001) is out; what is left is the client's answer.
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived or WebSocketState.CloseSent))
        {
            return;
        }

        try
        {
            if (socket.State == WebSocketState.CloseReceived)
            {
                // The client closed first (the usual end): the server's close frame completes the handshake, and there is
                // nothing to wait for, so no timer is needed (RFC 6455 §5.5.1).
                await socket.CloseOutputAsync(status, description, aborted);
                return;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
            timeout.CancelAfter(_closeTimeout);
            await socket.CloseAsync(status, description, timeout.Token);
        }
        catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
        {
            Log.CloseTimedOut(_logger, _closeTimeout);
            socket.Abort();
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or IOException)
        {
            Log.CloseFailed(_logger, exception);
            socket.Abort();
        }
    }

    private async ValueTask DisposeAsync(object handler, UpgradeRegistration registration)
    {
        try
        {
            if (handler is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync();
            }
            else if (handler is IDisposable disposable)
            {
                disposable.Dispose();
            }
        }
        catch (Exception exception)
        {
            Log.HandlerDisposeFailed(_logger, registration.HandlerName, exception);
        }
    }
}
