using System;
using System.Threading;

namespace HttpUpgrade.AspNetCore;

/// <summary>
/// Settings of one endpoint mapped with <c>MapUpgrade</c>: how the handshake is negotiated (<see cref="Negotiation"/>)
/// and how upgraded connections are kept and closed. These are named options, named after the route pattern, so
/// <c>services.Configure&lt;UpgradeEndpointOptions&gt;("/chat", ...)</c> sets one endpoint and
/// <c>services.ConfigureAll&lt;UpgradeEndpointOptions&gt;(...)</c> every one; the delegate passed to <c>MapUpgrade</c>
/// runs last.
/// </summary>
public sealed class UpgradeEndpointOptions
{
    private TimeSpan _webSocketKeepAliveInterval = TimeSpan.FromSeconds(30);
    private TimeSpan _webSocketKeepAliveTimeout = Timeout.InfiniteTimeSpan;
    private TimeSpan _closeTimeout = TimeSpan.FromSeconds(5);

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
}
