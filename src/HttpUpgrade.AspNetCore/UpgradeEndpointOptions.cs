using System;
using System.Threading;

namespace HttpUpgrade.AspNetCore;

/// <summary>
/// Settings of one endpoint mapped with <c>MapUpgrade</c>: how the handshake is negotiated (<see cref="Negotiation"/>),
/// its limits (<see cref="HandshakeTimeout"/>, <see cref="MaxConcurrentConnections"/>), and how upgraded connections are
/// kept and closed. These are named options, named after the route pattern, so
/// <c>services.Configure&lt;UpgradeEndpointOptions&gt;("/chat", ...)</c> sets one endpoint and
/// <c>services.ConfigureAll&lt;UpgradeEndpointOptions&gt;(...)</c> every one; the delegate passed to <c>MapUpgrade</c>
/// runs last.
/// </summary>
public sealed class UpgradeEndpointOptions
{
    private TimeSpan _webSocketKeepAliveInterval = TimeSpan.FromSeconds(30);
    private TimeSpan _webSocketKeepAliveTimeout = Timeout.InfiniteTimeSpan;
    private TimeSpan _closeTimeout = TimeSpan.FromSeconds(5);
    private TimeSpan _handshakeTimeout = TimeSpan.FromSeconds(10);
    private long? _maxConcurrentConnections;
    private TimeSpan _connectionLimitRetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How the endpoint's negotiator answers handshakes: offers read, allowed origins, subprotocol fallback,
    /// permessage-deflate, per-handler settings. The endpoint is upgrade-only, so its negotiator always runs with
    /// <see cref="UpgradeNegotiatorOptions.RequireUpgrade"/> on.
    /// </summary>
    public UpgradeNegotiatorOptions Negotiation { get; } = new() { RequireUpgrade = true };

    /// <summary>
    /// How often the server sends an unsolicited WebSocket pong to keep intermediaries from closing an idle connection
    /// (RFC 6455 §5.5.3). <see cref="TimeSpan.Zero"/> or <see cref="Timeout.InfiniteTimeSpan"/> turns it off. Default 30 seconds.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    public TimeSpan WebSocketKeepAliveInterval
    {
        get => _webSocketKeepAliveInterval;
        set
        {
            if (value < TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(WebSocketKeepAliveInterval),
                    value,
                    "WebSocketKeepAliveInterval must be positive, TimeSpan.Zero or Timeout.InfiniteTimeSpan (both turn keep-alive off).");
            }

            _webSocketKeepAliveInterval = value;
        }
    }

    /// <summary>
    /// When positive, each keep-alive is a WebSocket ping (RFC 6455 §5.5.2) and a connection whose client has not answered
    /// with a pong within this time is aborted; <see cref="Timeout.InfiniteTimeSpan"/> (the default) or
    /// <see cref="TimeSpan.Zero"/> sends unsolicited pongs and never waits for an answer.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    public TimeSpan WebSocketKeepAliveTimeout
    {
        get => _webSocketKeepAliveTimeout;
        set
        {
            if (value < TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(WebSocketKeepAliveTimeout),
                    value,
                    "WebSocketKeepAliveTimeout must be positive, TimeSpan.Zero or Timeout.InfiniteTimeSpan (both send pongs without waiting for an answer).");
            }

            _webSocketKeepAliveTimeout = value;
        }
    }

    /// <summary>
    /// How long the server waits for the client's answer when it completes a WebSocket closing handshake after the
    /// handler returns (RFC 6455 §7.1.2), and, when the host shuts down, how long a WebSocket handler has after the
    /// server's 1001 (Going Away) close before its <c>aborted</c> token is cancelled. The connection is aborted when it
    /// expires. Default 5 seconds.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    public TimeSpan CloseTimeout
    {
        get => _closeTimeout;
        set
        {
            if (value <= TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(CloseTimeout),
                    value,
                    "CloseTimeout must be positive, or Timeout.InfiniteTimeSpan to wait for the client without a limit.");
            }

            _closeTimeout = value;
        }
    }

    /// <summary>
    /// How long the endpoint may take from the moment an upgrade request reaches it to the moment the upgraded connection
    /// is handed to the handler: creating the handler, then writing and flushing the <c>101 Switching Protocols</c> to a
    /// client that may not be reading. When it expires the connection is aborted and the handler never runs. The request
    /// head itself is bounded before this, by Kestrel's <c>KestrelServerLimits.RequestHeadersTimeout</c>.
    /// <see cref="Timeout.InfiniteTimeSpan"/> turns it off. Default 10 seconds, as Kestrel's TLS handshake timeout.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    public TimeSpan HandshakeTimeout
    {
        get => _handshakeTimeout;
        set
        {
            if (value <= TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(HandshakeTimeout),
                    value,
                    "HandshakeTimeout must be positive, or Timeout.InfiniteTimeSpan to wait without a limit.");
            }

            _handshakeTimeout = value;
        }
    }

    /// <summary>
    /// The most upgraded connections this endpoint holds at once, counted from the moment a handshake is admitted until
    /// its handler returns. A handshake over the limit is answered <c>503 Service Unavailable</c> with <c>Retry-After</c>
    /// (<see cref="ConnectionLimitRetryAfter"/>) and <c>Connection: close</c>, before its handler is created. Null (the
    /// default) sets no limit of the endpoint's own; Kestrel's server-wide
    /// <c>KestrelServerLimits.MaxConcurrentUpgradedConnections</c> still applies.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public long? MaxConcurrentConnections
    {
        get => _maxConcurrentConnections;
        set
        {
            if (value < 0)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(MaxConcurrentConnections),
                    value,
                    "MaxConcurrentConnections must be null (no limit) or a non-negative number.");
            }

            _maxConcurrentConnections = value;
        }
    }

    /// <summary>
    /// The <c>Retry-After</c> of the 503 answered when <see cref="MaxConcurrentConnections"/> is reached, rounded up to
    /// whole seconds (RFC 9110 §10.2.3). <see cref="TimeSpan.Zero"/> leaves the field out. Default 5 seconds.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, or not shorter than <see cref="int.MaxValue"/> seconds.</exception>
    public TimeSpan ConnectionLimitRetryAfter
    {
        get => _connectionLimitRetryAfter;
        set
        {
            if (value < TimeSpan.Zero || Math.Ceiling(value.TotalSeconds) >= int.MaxValue)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(ConnectionLimitRetryAfter),
                    value,
                    "ConnectionLimitRetryAfter must be at least TimeSpan.Zero (no Retry-After field) and less than int.MaxValue seconds.");
            }

            _connectionLimitRetryAfter = value;
        }
    }
}
