using System;
using System.IO;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
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

    // The options of a WebSocket without a subprotocol or compression, the usual case: the same for every connection,
    // and only read when a WebSocket is created, so one instance serves them all.
    private readonly WebSocketCreationOptions _plainWebSocket;

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
        _plainWebSocket = new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = _keepAliveInterval, KeepAliveTimeout = _keepAliveTimeout };
    }

    public Task RunAsync(HttpContext context, UpgradeDecision decision, long startTimestamp)
        => RunAsync(new HttpContextUpgradeHost(context), decision, startTimestamp);

    /// <summary>Carries out <paramref name="decision"/> on whichever server received the request.</summary>
    public Task RunAsync<THost>(THost host, UpgradeDecision decision, long startTimestamp)
        where THost : IUpgradeHost
    {
        // The registration's type is its handler's contract: a WebSocketHandlerRegistration's handler receives a
        // WebSocket, every other (the only other kind) owns the raw stream.
        return decision.Registration is WebSocketHandlerRegistration webSocket
            ? Start(host, decision, startTimestamp, webSocket.Factory, static (runner, handler, host, decision, transport) => runner.RunWebSocketAsync(handler, host, decision, transport))
            : Start(host, decision, startTimestamp, ((UpgradeHandlerRegistration)decision.Registration!).Factory, static (runner, handler, host, decision, transport) => runner.RunStreamAsync(handler, host, decision, transport));
    }

    /// <summary>
    /// Admits the request, creates the handler and sends the 101, then runs the handler. Up to the 101 nothing usually
    /// waits (the handler is created at once and the 101 goes into the connection's output buffer), so this part is
    /// synchronous: the handler's run is the one state machine a connection allocates. A 101 that cannot be flushed at
    /// once is awaited under the handshake timeout (<see cref="SwitchThenRunAsync"/>).
    /// </summary>
    private Task Start<THost, THandler>(
        THost host,
        UpgradeDecision decision,
        long startTimestamp,
        Func<IServiceProvider, THandler> factory,
        Func<UpgradeHandlerRunner, THandler, THost, UpgradeDecision, Stream, Task> run)
        where THost : IUpgradeHost
        where THandler : class
    {
        if (Admit(host, decision, startTimestamp) is { } refused)
        {
            return refused;
        }

        // The handler is created before the 101 goes out: a missing service must be an honest 500, not a switch
        // followed by a dropped connection.
        THandler handler;
        try
        {
            handler = factory(host.Services);
        }
        catch (Exception exception)
        {
            _connections.Release();
            UpgradeRegistration registration = decision.Registration!;
            Log.HandlerCreationFailed(_logger, registration.HandlerName, registration.Name, exception);
            _metrics.HandlerFailed(registration.Name, exception);
            return RefuseAsync(host, decision, UpgradeReason.HandlerUnavailable, startTimestamp);
        }

        ValueTask<Stream> switching;
        try
        {
            Log.SwitchingProtocols(_logger, host.Path, decision.Upgrade ?? decision.Registration!.Name, host.HttpProtocol, decision.Registration!.HandlerName);
            switching = host.SwitchProtocolsAsync(decision);
        }
        catch (Exception exception)
        {
            switching = ValueTask.FromException<Stream>(exception);
        }

        if (!switching.IsCompletedSuccessfully)
        {
            return SwitchThenRunAsync(host, decision, startTimestamp, handler, switching, run);
        }

        _metrics.Negotiated(decision, startTimestamp);
        return run(this, handler, host, decision, switching.Result);
    }

    /// <summary>
    /// Waits for a 101 that did not go out at once, for at most the handshake timeout: a client that stops reading must
    /// not hold a connection slot, a handler and a half-written 101 for as long as it likes. Then runs the handler.
    /// </summary>
    private async Task SwitchThenRunAsync<THost, THandler>(
        THost host,
        UpgradeDecision decision,
        long startTimestamp,
        THandler handler,
        ValueTask<Stream> switching,
        Func<UpgradeHandlerRunner, THandler, THost, UpgradeDecision, Stream, Task> run)
        where THost : IUpgradeHost
        where THandler : class
    {
        Stream? transport = null;
        using (HandshakeDeadline deadline = StartDeadline(host))
        {
            try
            {
                transport = await switching;
            }
            catch (Exception) when (deadline.HasExpired)
            {
                // The handshake timeout aborted the connection under the flush: the client's doing, not the server's.
                Log.HandshakeTimedOut(_logger, host.Path, _handshakeTimeout);
            }
            catch (Exception exception)
            {
                await FailSwitchAsync(host, decision, startTimestamp, exception);
            }

            if (transport is not null && !deadline.TryComplete())
            {
                // The timer aborted the connection while the 101 was going out: the handler never gets it.
                Log.HandshakeTimedOut(_logger, host.Path, _handshakeTimeout);
                transport = null;
            }
        }

        if (transport is null)
        {
            await EndAsync(handler, decision.Registration!);
            return;
        }

        _metrics.Negotiated(decision, startTimestamp);
        await run(this, handler, host, decision, transport);
    }

    /// <summary>
    /// Sets up the upgraded connection (its context, its tracked token, the WebSocket) and runs the handler. The set-up
    /// is synchronous, so the state machine of the run holds what the run needs and not the decision it came from.
    /// </summary>
    private Task RunWebSocketAsync<THost>(IWebSocketHandler handler, THost host, UpgradeDecision decision, Stream transport)
        where THost : IUpgradeHost
    {
        UpgradedConnectionTracker.UpgradedConnection? connection = null;
        try
        {
            var upgradeContext = new UpgradeContext(decision.Registration!, decision.Version, decision.SubProtocol, transport, host.Services, host.HostContext);

            // The handler's token is cancelled when the client goes away, when the WebSocket gives up on the connection
            // (its reads run under the same token) and, after a 1001 close, when the host shuts down.
            CancellationToken requestAborted = host.Aborted;
            connection = _connections.Create(requestAborted);
            WebSocket socket = WebSocket.CreateFromStream(new AbortableTransport(transport, connection), CreationOptions(decision));
            connection.Open(socket);
            return RunWebSocketAsync(handler, upgradeContext, connection, socket, requestAborted);
        }
        catch (Exception exception)
        {
            connection?.Dispose();
            return EndAndThrowAsync(handler, decision.Registration!, exception);
        }
    }

    private async Task RunWebSocketAsync(
        IWebSocketHandler handler,
        UpgradeContext upgradeContext,
        UpgradedConnectionTracker.UpgradedConnection connection,
        WebSocket socket,
        CancellationToken requestAborted)
    {
        try
        {
            using UpgradeMetrics.ActiveConnection active = _metrics.Opened(upgradeContext.Protocol);

            // The WebSocket first, then the connection: its reads end under the connection's token.
            using (connection)
            using (socket)
            {
                CancellationToken aborted = connection.Aborted;
                try
                {
                    await handler.OnConnectedAsync(socket, upgradeContext, aborted);
                }
                catch (Exception exception) when (aborted.IsCancellationRequested || socket.State == WebSocketState.Aborted || IsClientGone(exception))
                {
                    // The client went away, or the host cut the connection at the end of its shutdown timeout: not the
                    // handler's fault, so Debug, as for a raw handler.
                    Log.ConnectionAborted(_logger, upgradeContext.Registration.HandlerName, upgradeContext.Protocol, exception);
                    return;
                }
                catch (Exception exception)
                {
                    Log.WebSocketHandlerFailed(_logger, upgradeContext.Registration.HandlerName, exception);
                    _metrics.HandlerFailed(upgradeContext.Protocol, exception);
                    await CloseAsync(socket, WebSocketCloseStatus.InternalServerError, HandlerFailedDescription, requestAborted);
                    return;
                }

                // RFC 6455 §7.1.2: the connection ends with a closing handshake, whether or not the handler started one.
                await CloseAsync(socket, WebSocketCloseStatus.NormalClosure, null, requestAborted);
                Log.HandlerCompleted(_logger, upgradeContext.Registration.HandlerName, upgradeContext.Protocol);
            }
        }
        finally
        {
            await EndAsync(handler, upgradeContext.Registration);
        }
    }

    /// <summary>Sets up the upgraded connection (its context, its tracked token) and runs the handler over the raw stream.</summary>
    private Task RunStreamAsync<THost>(IUpgradeHandler handler, THost host, UpgradeDecision decision, Stream transport)
        where THost : IUpgradeHost
    {
        UpgradedConnectionTracker.UpgradedConnection? connection = null;
        try
        {
            var upgradeContext = new UpgradeContext(decision.Registration!, decision.Version, decision.SubProtocol, transport, host.Services, host.HostContext);
            connection = _connections.Create(host.Aborted);
            connection.Open(null);
            return RunStreamAsync(handler, host, upgradeContext, connection);
        }
        catch (Exception exception)
        {
            connection?.Dispose();
            return EndAndThrowAsync(handler, decision.Registration!, exception);
        }
    }

    private async Task RunStreamAsync<THost>(IUpgradeHandler handler, THost host, UpgradeContext upgradeContext, UpgradedConnectionTracker.UpgradedConnection connection)
        where THost : IUpgradeHost
    {
        try
        {
            using UpgradeMetrics.ActiveConnection active = _metrics.Opened(upgradeContext.Protocol);
            using (connection)
            {
                CancellationToken aborted = connection.Aborted;
                try
                {
                    await handler.HandleAsync(upgradeContext, aborted);
                    Log.HandlerCompleted(_logger, upgradeContext.Registration.HandlerName, upgradeContext.Protocol);
                }
                catch (Exception exception) when (aborted.IsCancellationRequested || IsClientGone(exception))
                {
                    // The client went away (a reset, an EOF mid-read, the host aborting): not the server's fault, so Debug.
                    Log.ConnectionAborted(_logger, upgradeContext.Registration.HandlerName, upgradeContext.Protocol, exception);
                }
                catch (Exception exception)
                {
                    // The upgraded protocol has no standard way to report a server error; a reset tells the peer the
                    // exchange did not end normally, where a graceful close would not.
                    Log.UpgradeHandlerFailed(_logger, upgradeContext.Registration.HandlerName, upgradeContext.Protocol, exception);
                    _metrics.HandlerFailed(upgradeContext.Protocol, exception);
                    host.Abort();
                }
            }
        }
        finally
        {
            await EndAsync(handler, upgradeContext.Registration);
        }
    }

    /// <summary>A set-up that failed before the handler ran: the handler is disposed and its slot given back, then the failure surfaces.</summary>
    private async Task EndAndThrowAsync(object handler, UpgradeRegistration registration, Exception exception)
    {
        await EndAsync(handler, registration);
        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(exception);
    }

    private WebSocketCreationOptions CreationOptions(in UpgradeDecision decision)
        => decision.SubProtocol is null && !decision.Deflate.IsNegotiated
            ? _plainWebSocket
            : new WebSocketCreationOptions
            {
                IsServer = true,
                SubProtocol = decision.SubProtocol,
                KeepAliveInterval = _keepAliveInterval,
                KeepAliveTimeout = _keepAliveTimeout,
                DangerousDeflateOptions = decision.Deflate.ToDeflateOptions(),
            };

    /// <summary>
    /// Checks, before anything is created, that the host can switch, is not stopping, and has a connection slot for the
    /// endpoint (reserved when this returns null). Otherwise writes the refusal and returns the write.
    /// </summary>
    private Task? Admit<THost>(THost host, UpgradeDecision decision, long startTimestamp)
        where THost : IUpgradeHost
    {
        if (!host.CanSwitchProtocols(decision))
        {
            Log.ServerCannotUpgrade(_logger, host.Path);
            return RefuseAsync(host, decision, UpgradeReason.HostCannotUpgrade, startTimestamp);
        }

        if (_connections.IsStopping)
        {
            Log.UpgradeRefusedShuttingDown(_logger, host.Path);
            return RefuseAsync(host, decision, UpgradeReason.ShuttingDown, startTimestamp);
        }

        if (!_connections.TryReserve())
        {
            // RFC 9110 §15.6.4: overloaded for now; the handler is never constructed, so a flood costs no app resources.
            Log.ConnectionLimitReached(_logger, host.Path, _connections.Limit);
            return RefuseAsync(host, decision, UpgradeReason.ConnectionLimitReached, startTimestamp, _retryAfter);
        }

        return null;
    }

    private Task RefuseAsync<THost>(THost host, UpgradeDecision decision, UpgradeReason reason, long startTimestamp, TimeSpan? retryAfter = null)
        where THost : IUpgradeHost
    {
        UpgradeDecision refusal = _negotiator.Refuse(decision, reason, retryAfter);
        _metrics.Negotiated(refusal, startTimestamp);
        Task write = host.WriteRefusalAsync(refusal);
        return write.IsCompleted ? write : AwaitRefusalAsync(host, write);
    }

    /// <summary>A refusal that did not go out at once waits under the handshake timeout, as a 101 does.</summary>
    private async Task AwaitRefusalAsync<THost>(THost host, Task write)
        where THost : IUpgradeHost
    {
        using HandshakeDeadline deadline = StartDeadline(host);
        try
        {
            await write;
        }
        catch (Exception) when (deadline.HasExpired)
        {
            Log.HandshakeTimedOut(_logger, host.Path, _handshakeTimeout);
        }
    }

    /// <summary>The handshake timeout for a write that has to wait: when it expires, the connection is aborted.</summary>
    private HandshakeDeadline StartDeadline<THost>(THost host)
        where THost : IUpgradeHost
        => HandshakeDeadline.Start(_handshakeTimeout, static state => ((IUpgradeHost)state!).Abort(), host);

    /// <summary>A switch that failed for a reason of the server's: the refusal if nothing was sent yet, else a dropped connection.</summary>
    private Task FailSwitchAsync<THost>(THost host, UpgradeDecision decision, long startTimestamp, Exception exception)
        where THost : IUpgradeHost
    {
        UpgradeRegistration registration = decision.Registration!;
        Log.UpgradeFailed(_logger, registration.Name, registration.HandlerName, exception);
        if (host.TryResetResponse())
        {
            // For example Kestrel's MaxConcurrentUpgradedConnections: nothing was sent, so the client gets an answer.
            return RefuseAsync(host, decision, UpgradeReason.SwitchFailed, startTimestamp);
        }

        host.Abort();
        return Task.CompletedTask;
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

    /// <summary>The end of a handler's connection, however it ended: the handler is disposed and its slot given back.</summary>
    private async ValueTask EndAsync(object handler, UpgradeRegistration registration)
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
        finally
        {
            _connections.Release();
        }
    }
}
