using System;
using Microsoft.Extensions.Logging;

namespace HttpUpgrade.AspNetCore;

/// <summary>Every message the adapter logs, under the category <see cref="Category"/>.</summary>
internal static partial class Log
{
    public const string Category = "HttpUpgrade.AspNetCore";

    [LoggerMessage(1, LogLevel.Debug, "Upgrade request for {Path} answered {StatusCode}: {Reason}.", EventName = "UpgradeRejected")]
    public static partial void UpgradeRejected(ILogger logger, string path, int statusCode, UpgradeReason reason);

    [LoggerMessage(2, LogLevel.Debug, "Switching protocols for {Path} to '{Upgrade}' over {HttpProtocol}, handled by {Handler}.", EventName = "SwitchingProtocols")]
    public static partial void SwitchingProtocols(ILogger logger, string path, string upgrade, string httpProtocol, string handler);

    [LoggerMessage(3, LogLevel.Warning, "The server cannot upgrade the request for {Path} (no IHttpUpgradeFeature, or it reports the request as not upgradable); answered 426.", EventName = "ServerCannotUpgrade")]
    public static partial void ServerCannotUpgrade(ILogger logger, string path);

    [LoggerMessage(4, LogLevel.Error, "Could not create upgrade handler {Handler} for '{Protocol}'; answered 500 instead of switching protocols.", EventName = "HandlerCreationFailed")]
    public static partial void HandlerCreationFailed(ILogger logger, string handler, string protocol, Exception exception);

    [LoggerMessage(6, LogLevel.Error, "The server failed to switch protocols to '{Protocol}' for {Handler}.", EventName = "UpgradeFailed")]
    public static partial void UpgradeFailed(ILogger logger, string protocol, string handler, Exception exception);

    [LoggerMessage(7, LogLevel.Error, "WebSocket handler {Handler} failed; closing the connection with status 1011 (internal error).", EventName = "WebSocketHandlerFailed")]
    public static partial void WebSocketHandlerFailed(ILogger logger, string handler, Exception exception);

    [LoggerMessage(8, LogLevel.Error, "Upgrade handler {Handler} for '{Protocol}' failed; aborting the connection.", EventName = "UpgradeHandlerFailed")]
    public static partial void UpgradeHandlerFailed(ILogger logger, string handler, string protocol, Exception exception);

    [LoggerMessage(9, LogLevel.Debug, "The connection handled by {Handler} ('{Protocol}') was closed by the peer or the host.", EventName = "ConnectionAborted")]
    public static partial void ConnectionAborted(ILogger logger, string handler, string protocol, Exception exception);

    [LoggerMessage(10, LogLevel.Debug, "The client did not complete the WebSocket closing handshake within {CloseTimeout}; aborting the connection.", EventName = "CloseTimedOut")]
    public static partial void CloseTimedOut(ILogger logger, TimeSpan closeTimeout);

    [LoggerMessage(11, LogLevel.Debug, "The WebSocket closing handshake failed.", EventName = "CloseFailed")]
    public static partial void CloseFailed(ILogger logger, Exception exception);

    [LoggerMessage(12, LogLevel.Error, "Disposing upgrade handler {Handler} failed.", EventName = "HandlerDisposeFailed")]
    public static partial void HandlerDisposeFailed(ILogger logger, string handler, Exception exception);

    [LoggerMessage(13, LogLevel.Debug, "Upgrade handler {Handler} for '{Protocol}' completed.", EventName = "HandlerCompleted")]
    public static partial void HandlerCompleted(ILogger logger, string handler, string protocol);

    [LoggerMessage(14, LogLevel.Debug, "Connection {ConnectionId} switched protocols and was handed back to Kestrel's {Engine} engine.", EventName = "ConnectionReentered")]
    public static partial void ConnectionReentered(ILogger logger, string connectionId, string engine);

    [LoggerMessage(15, LogLevel.Debug, "Connection {ConnectionId} was upgraded to h2c but did not send the HTTP/2 connection preface; closing it.", EventName = "H2cPrefaceInvalid")]
    public static partial void H2cPrefaceInvalid(ILogger logger, string connectionId);

    [LoggerMessage(16, LogLevel.Debug, "Upgrade request for {Path} answered 503: the endpoint holds {Limit} upgraded connections, its MaxConcurrentConnections.", EventName = "ConnectionLimitReached")]
    public static partial void ConnectionLimitReached(ILogger logger, string path, long limit);

    [LoggerMessage(17, LogLevel.Debug, "Upgrade request for {Path} answered 503: the host is shutting down.", EventName = "UpgradeRefusedShuttingDown")]
    public static partial void UpgradeRefusedShuttingDown(ILogger logger, string path);

    [LoggerMessage(18, LogLevel.Debug, "The upgrade handshake for {Path} did not complete within {HandshakeTimeout}; aborting the connection.", EventName = "HandshakeTimedOut")]
    public static partial void HandshakeTimedOut(ILogger logger, string path, TimeSpan handshakeTimeout);

    [LoggerMessage(19, LogLevel.Debug, "Connection {ConnectionId} switched to TLS but did not complete the TLS handshake within {HandshakeTimeout}; aborting it.", EventName = "TlsHandshakeTimedOut")]
    public static partial void TlsHandshakeTimedOut(ILogger logger, string connectionId, TimeSpan handshakeTimeout);

    [LoggerMessage(20, LogLevel.Debug, "Connection {ConnectionId}: the upgrade fast path answered the request for {Path} with {StatusCode}.", EventName = "FastPathServed")]
    public static partial void FastPathServed(ILogger logger, string connectionId, string path, int statusCode);

    [LoggerMessage(21, LogLevel.Debug, "Connection {ConnectionId}: the upgrade fast path left the connection to Kestrel's HTTP engine ({Reason}).", EventName = "FastPathDeclined")]
    public static partial void FastPathDeclined(ILogger logger, string connectionId, FastPath.FastPathDecline reason);

    [LoggerMessage(22, LogLevel.Information, "The upgrade fast path is off on {Listener}: {Why}; Kestrel's HTTP engine serves every connection.", EventName = "FastPathDisabled")]
    public static partial void FastPathDisabled(ILogger logger, string listener, string why);

    [LoggerMessage(23, LogLevel.Information, "The upgrade fast path leaves MapUpgrade endpoint {Exclusion}; Kestrel's HTTP engine serves it.", EventName = "FastPathRouteExcluded")]
    public static partial void FastPathRouteExcluded(ILogger logger, string exclusion);
}
