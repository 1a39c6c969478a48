using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Net.WebSockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace HttpUpgrade.AspNetCore;

/// <summary>
/// The request delegate behind one <c>MapUpgrade</c> endpoint: negotiates, answers a rejection in plain text, or
/// creates the handler, switches protocols and runs the handler over the upgraded connection.
/// </summary>
internal sealed class UpgradeEndpoint
{
    private const string PlainText = "text/plain; charset=utf-8";
    private const string ServerCannotUpgradeMessage = "This server cannot switch protocols for this request.";
    private const string HandlerUnavailableMessage = "The upgrade handler could not be created.";
    private const string UpgradeFailedMessage = "The server could not switch protocols; try again later.";
    private const string HandlerFailedDescription = "The server's handler failed.";

    private const string ShuttingDownMessage = "The server is shutting down.";

    private readonly UpgradeNegotiator _negotiator;
    private readonly ILogger _logger;
    private readonly TimeSpan _keepAliveInterval;
    private readonly TimeSpan _keepAliveTimeout;
    private readonly TimeSpan _closeTimeout;
    private readonly ConcurrentDictionary<UpgradedConnection, byte> _open = new();
    private volatile bool _stopping;

    public UpgradeEndpoint(UpgradeNegotiator negotiator, UpgradeEndpointOptions options, ILogger logger)
    {
        _negotiator = negotiator;
        _logger = logger;
        _keepAliveInterval = options.WebSocketKeepAliveInterval;
        _keepAliveTimeout = options.WebSocketKeepAliveTimeout;
        _closeTimeout = options.CloseTimeout;
    }

    /// <summary>
    /// Called when the host starts to stop: every open WebSocket gets a 1001 (Going Away) close frame and its handler
    /// the close timeout to finish, after which its <c>aborted</c> token is cancelled; raw handlers are cancelled at once.
    /// New upgrades are refused with 503 from now on.
    /// </summary>
    public void BeginShutdown()
    {
        _stopping = true;
        foreach (UpgradedConnection connection in _open.Keys)
        {
            connection.BeginShutdown();
        }
    }

    public Task InvokeAsync(HttpContext context)
    {
        UpgradeDecision decision = _negotiator.Negotiate(new HttpRequestUpgradeView(context.Request));
        switch (decision.Outcome)
        {
            case UpgradeOutcome.Accept:
                return AcceptAsync(context, decision);

            case UpgradeOutcome.Reject:
                Log.UpgradeRejected(_logger, PathOf(context), decision.StatusCode, decision.Reason);
                return WriteTextAsync(context, decision.StatusCode, decision.GetResponseHeaders(), decision.Message);

            default:
                // An upgrade-only negotiator never ignores a request; should one, the endpoint still answers as upgrade-only.
                Log.UpgradeRejected(_logger, PathOf(context), StatusCodes.Status426UpgradeRequired, decision.Reason);
                return WriteUpgradeRequiredAsync(context, decision.Message);
        }
    }

    private async Task AcceptAsync(HttpContext context, UpgradeDecision decision)
    {
        UpgradeRegistration registration = decision.Registration!;
        IHttpUpgradeFeature? upgradeFeature = null;
        IHttpExtendedConnectFeature? connectFeature = null;
        if (decision.IsExtendedConnect)
        {
            connectFeature = context.Features.Get<IHttpExtendedConnectFeature>();
            if (connectFeature is null || !connectFeature.IsExtendedConnect)
            {
                Log.ServerCannotUpgrade(_logger, PathOf(context));
                await WriteTextAsync(context, StatusCodes.Status426UpgradeRequired, [], ServerCannotUpgradeMessage);
                return;
            }
        }
        else
        {
            upgradeFeature = context.Features.Get<IHttpUpgradeFeature>();
            if (upgradeFeature is null || !upgradeFeature.IsUpgradableRequest)
            {
                Log.ServerCannotUpgrade(_logger, PathOf(context));
                await WriteUpgradeRequiredAsync(context, ServerCannotUpgradeMessage);
                return;
            }
        }

        if (_stopping)
        {
            await WriteTextAsync(context, StatusCodes.Status503ServiceUnavailable, [], ShuttingDownMessage);
            return;
        }

        // The handler is created before the 101 goes out: a missing service must be an honest 500, not a switch
        // followed by a dropped connection. The registration's type says which contract the handler has.
        IWebSocketHandler? webSocketHandler = null;
        IUpgradeHandler? upgradeHandler = null;
        object handler;
        try
        {
            if (registration is WebSocketHandlerRegistration webSocket)
            {
                handler = webSocketHandler = webSocket.Factory(context.RequestServices);
            }
            else
            {
                handler = upgradeHandler = ((UpgradeHandlerRegistration)registration).Factory(context.RequestServices);
            }
        }
        catch (Exception exception)
        {
            Log.HandlerCreationFailed(_logger, registration.HandlerName, registration.Name, exception);
            await WriteTextAsync(context, StatusCodes.Status500InternalServerError, [], HandlerUnavailableMessage);
            return;
        }

        try
        {
            Stream? transport = await SwitchProtocolsAsync(context, upgradeFeature, connectFeature, decision);
            if (transport is null)
            {
                return;
            }

            var upgradeContext = new UpgradeContext(
                registration, decision.Version, decision.SubProtocol, transport, context.RequestServices, context);

            if (webSocketHandler is not null)
            {
                await RunWebSocketAsync(webSocketHandler, upgradeContext, decision.Deflate, context.RequestAborted);
            }
            else
            {
                using UpgradedConnection connection = Track(new UpgradedConnection(this, null, context.RequestAborted));
                try
                {
                    await RunUpgradeHandlerAsync(upgradeHandler!, upgradeContext, context, connection.Aborted);
                }
                finally
                {
                    _open.TryRemove(connection, out _);
                }
            }
        }
        finally
        {
            await DisposeHandlerAsync(handler, registration.HandlerName);
        }
    }

    /// <summary>
    /// Sends the 101 (HTTP/1.1) or the 200 (extended CONNECT) and returns the upgraded connection, or answers an error
    /// and returns null.
    /// </summary>
    private async Task<Stream?> SwitchProtocolsAsync(
        HttpContext context, IHttpUpgradeFeature? upgradeFeature, IHttpExtendedConnectFeature? connectFeature, UpgradeDecision decision)
    {
        UpgradeRegistration registration = decision.Registration!;
        IHeaderDictionary headers = context.Response.Headers;

        if (!decision.IsExtendedConnect)
        {
            // RFC 9110 §7.8: the 101 names the one protocol switched to, with the "upgrade" connection option. Kestrel
            // writes "Connection: Upgrade" itself on a 101; assigning it here keeps other servers correct and still yields one field line.
            headers.Connection = "Upgrade";
            headers.Upgrade = decision.Upgrade;
        }

        if (decision.HasWebSocketAccept)
        {
            headers.SecWebSocketAccept = decision.GetWebSocketAccept();
        }

        if (decision.SubProtocol is not null)
        {
            headers.SecWebSocketProtocol = decision.SubProtocol;
        }

        if (decision.Deflate.IsNegotiated)
        {
            headers.SecWebSocketExtensions = decision.Deflate.ToHeaderValue();
        }

        Log.SwitchingProtocols(_logger, PathOf(context), decision.Upgrade ?? registration.Name, context.Request.Protocol, registration.HandlerName);
        try
        {
            // RFC 8441 §5: over HTTP/2 the server accepts with a 200 on the stream, which then carries the protocol.
            return decision.IsExtendedConnect ? await connectFeature!.AcceptAsync() : await upgradeFeature!.UpgradeAsync();
        }
        catch (Exception exception)
        {
            Log.UpgradeFailed(_logger, registration.Name, registration.HandlerName, exception);
            if (!context.Response.HasStarted)
            {
                // For example Kestrel's MaxConcurrentUpgradedConnections: nothing was sent, so the client gets an answer.
                context.Response.Clear();
                await WriteTextAsync(context, StatusCodes.Status503ServiceUnavailable, [], UpgradeFailedMessage);
            }
            else
            {
                context.Abort();
            }

            return null;
        }
    }

    /// <summary>Registers an open connection; one opened while the host is already stopping is told so at once.</summary>
    private UpgradedConnection Track(UpgradedConnection connection)
    {
        _open.TryAdd(connection, 0);
        if (_stopping)
        {
            connection.BeginShutdown();
        }

        return connection;
    }

    private async Task RunWebSocketAsync(IWebSocketHandler handler, UpgradeContext upgradeContext, WebSocketDeflateParameters deflate, CancellationToken requestAborted)
    {
        string handlerName = upgradeContext.Registration.HandlerName;
        using WebSocket socket = WebSocket.CreateFromStream(new AbortableTransport(upgradeContext.Transport), new WebSocketCreationOptions
        {
            IsServer = true,
            SubProtocol = upgradeContext.SubProtocol,
            KeepAliveInterval = _keepAliveInterval,
            KeepAliveTimeout = _keepAliveTimeout,
            DangerousDeflateOptions = deflate.ToDeflateOptions(),
        });

        // The handler's token is cancelled when the client goes away and, after a 1001 close, when the host shuts down.
        using UpgradedConnection connection = Track(new UpgradedConnection(this, socket, requestAborted));
        CancellationToken aborted = connection.Aborted;
        try
        {
            try
            {
                await handler.OnConnectedAsync(socket, upgradeContext, aborted);
            }
            catch (Exception exception) when (aborted.IsCancellationRequested || socket.State == WebSocketState.Aborted)
            {
                Log.ConnectionAborted(_logger, handlerName, upgradeContext.Protocol, exception);
                return;
            }
            catch (Exception exception)
            {
                Log.WebSocketHandlerFailed(_logger, handlerName, exception);
                await CloseAsync(socket, WebSocketCloseStatus.InternalServerError, HandlerFailedDescription, requestAborted);
                return;
            }

            // RFC 6455 §7.1.2: the connection ends with a closing handshake, whether or not the handler started one.
            await CloseAsync(socket, WebSocketCloseStatus.NormalClosure, null, requestAborted);
            Log.HandlerCompleted(_logger, handlerName, upgradeContext.Protocol);
        }
        finally
        {
            _open.TryRemove(connection, out _);
        }
    }

    private async Task CloseAsync(WebSocket socket, WebSocketCloseStatus status, string? description, CancellationToken aborted)
    {
        // CloseSent: the server's own close (a shutdown's 1001) is out; what is left is the client's answer.
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived or WebSocketState.CloseSent))
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        timeout.CancelAfter(_closeTimeout);
        try
        {
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

    private async Task RunUpgradeHandlerAsync(IUpgradeHandler handler, UpgradeContext upgradeContext, HttpContext context, CancellationToken aborted)
    {
        string handlerName = upgradeContext.Registration.HandlerName;
        try
        {
            await handler.HandleAsync(upgradeContext, aborted);
            Log.HandlerCompleted(_logger, handlerName, upgradeContext.Protocol);
        }
        catch (Exception exception) when (aborted.IsCancellationRequested)
        {
            Log.ConnectionAborted(_logger, handlerName, upgradeContext.Protocol, exception);
        }
        catch (Exception exception)
        {
            // The upgraded protocol has no standard way to report a server error; a reset tells the peer the
            // exchange did not end normally, where a graceful close would not.
            Log.UpgradeHandlerFailed(_logger, handlerName, upgradeContext.Protocol, exception);
            context.Abort();
        }
    }

    private async ValueTask DisposeHandlerAsync(object handler, string handlerName)
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
            Log.HandlerDisposeFailed(_logger, handlerName, exception);
        }
    }

    private Task WriteUpgradeRequiredAsync(HttpContext context, string message)
    {
        // RFC 9110 §15.5.22: a 426 sends Upgrade with the acceptable protocols, and "Connection: Upgrade" with it.
        KeyValuePair<string, string>[] headers =
        [
            new("Connection", "Upgrade"),
            new("Upgrade", _negotiator.AdvertisedProtocols),
        ];
        return WriteTextAsync(context, StatusCodes.Status426UpgradeRequired, headers, message);
    }

    private static Task WriteTextAsync(HttpContext context, int statusCode, IReadOnlyList<KeyValuePair<string, string>> headers, string message)
    {
        HttpResponse response = context.Response;
        response.StatusCode = statusCode;
        foreach (KeyValuePair<string, string> header in headers)
        {
            response.Headers.Append(header.Key, header.Value);
        }

        string body = message + "\n";
        response.ContentType = PlainText;
        response.ContentLength = Encoding.UTF8.GetByteCount(body);
        return response.WriteAsync(body, Encoding.UTF8, context.RequestAborted);
    }

    private static string PathOf(HttpContext context) => context.Request.Path.Value ?? "/";

    /// <summary>
    /// One connection a handler owns: the token it was given (the client's abort linked with the host's shutdown), and
    /// its WebSocket, if any, so that a shutdown can say goodbye on it.
    /// </summary>
    private sealed class UpgradedConnection : IDisposable
    {
        private readonly UpgradeEndpoint _endpoint;
        private readonly CancellationTokenSource _aborted;
        private int _shuttingDown;

        public UpgradedConnection(UpgradeEndpoint endpoint, WebSocket? socket, CancellationToken requestAborted)
        {
            _endpoint = endpoint;
            Socket = socket;
            _aborted = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
            Aborted = _aborted.Token;
        }

        public CancellationToken Aborted { get; }

        public WebSocket? Socket { get; }

        public void BeginShutdown()
        {
            if (Interlocked.Exchange(ref _shuttingDown, 1) != 0)
            {
                return;
            }

            if (Socket is { } socket)
            {
                _ = SayGoingAwayAsync(socket);
            }
            else
            {
                // A raw protocol has no goodbye this library could send: the handler is told to stop.
                Cancel();
            }
        }

        public void Dispose()
        {
            // Mark it so a shutdown that races with the end of the handler leaves the disposed source alone.
            Interlocked.Exchange(ref _shuttingDown, 1);
            _aborted.Dispose();
        }

        private async Task SayGoingAwayAsync(WebSocket socket)
        {
            try
            {
                // RFC 6455 §7.4.1: 1001 "indicates that an endpoint is 'going away', such as a server going down". The
                // handler then sees the client's answering close frame and returns; if it does not in time, its token is cancelled.
                _aborted.CancelAfter(_endpoint._closeTimeout);
                await socket.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, ShuttingDownMessage, Aborted);
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException or InvalidOperationException)
            {
                Log.CloseFailed(_endpoint._logger, exception);
            }
        }

        private void Cancel()
        {
            try
            {
                _aborted.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The handler ended meanwhile.
            }
        }
    }
}
