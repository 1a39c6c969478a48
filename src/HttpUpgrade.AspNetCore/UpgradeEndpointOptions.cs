using System;
using System.Collections.Generic;
using System.Net.WebSockets;
using System.Threading;

namespace HttpUpgrade.AspNetCore;

/// <summary>Settings of one endpoint mapped with <c>MapUpgrade</c>.</summary>
public sealed class UpgradeEndpointOptions
{
    private TimeSpan _webSocketKeepAliveInterval = TimeSpan.FromSeconds(30);
    private TimeSpan _webSocketKeepAliveTimeout = Timeout.InfiniteTimeSpan;
    private TimeSpan _closeTimeout = TimeSpan.FromSeconds(5);
    private int _maxOffers = 8;
    private UnmatchedSubProtocolBehavior _unmatchedSubProtocol = UnmatchedSubProtocolBehavior.Reject;
    private readonly List<(Type HandlerType, Action<UpgradeHandlerOptions> Configure)> _handlers = [];

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

    /// <summary>The most <c>Upgrade</c> elements read before a request is answered 400. Default 8.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1 or above 64.</exception>
    public int MaxOffers
    {
        get => _maxOffers;
        set
        {
            if (value is < 1 or > 64)
            {
                throw new ArgumentOutOfRangeException(nameof(MaxOffers), value, "MaxOffers must be between 1 and 64.");
            }

            _maxOffers = value;
        }
    }

    /// <summary>
    /// Browser origins (<c>scheme://host[:port]</c>) allowed to open a WebSocket here. Empty, the default, means the
    /// same origin as the request only; a handshake from any other origin is answered <c>403 Forbidden</c> before a
    /// handler is created. A handshake without <c>Origin</c> (a non-browser client) is always allowed.
    /// </summary>
    public IList<string> AllowedOrigins { get; } = new List<string>();

    /// <summary>Allows a WebSocket handshake from every origin, ignoring <see cref="AllowedOrigins"/>. Default false.</summary>
    public bool AllowAnyOrigin { get; set; }

    /// <summary>
    /// What happens when a WebSocket handshake agrees on no subprotocol and every handler that could serve it declares
    /// subprotocols. Default <see cref="UnmatchedSubProtocolBehavior.Reject"/> (400).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined member.</exception>
    public UnmatchedSubProtocolBehavior UnmatchedSubProtocol
    {
        get => _unmatchedSubProtocol;
        set
        {
            if (!Enum.IsDefined(value))
            {
                throw new ArgumentOutOfRangeException(nameof(UnmatchedSubProtocol), value, "UnmatchedSubProtocol must be Reject or ServeWithoutSubProtocol.");
            }

            _unmatchedSubProtocol = value;
        }
    }

    /// <summary>
    /// permessage-deflate (RFC 7692) for every WebSocket handler of this endpoint: the largest windows and the context
    /// takeover the server agrees to; what the client offers can only make them smaller. Null, the default, declines
    /// every offer. Compression of data that mixes secrets with attacker-chosen text is open to CRIME/BREACH-style
    /// attacks, hence the "Dangerous" in <see cref="WebSocketCreationOptions.DangerousDeflateOptions"/>.
    /// </summary>
    public WebSocketDeflateOptions? WebSocketDeflate { get; set; }

    /// <summary>
    /// Settings for the handler class <typeparamref name="THandler"/> on this endpoint, applied after the endpoint-wide
    /// ones (so <c>options.ForHandler&lt;ChatHandler&gt;(h =&gt; h.WebSocketDeflate = new())</c> turns compression on for
    /// that handler alone).
    /// </summary>
    /// <returns>These options, for chaining.</returns>
    public UpgradeEndpointOptions ForHandler<THandler>(Action<UpgradeHandlerOptions> configure)
        where THandler : class
    {
        ArgumentNullException.ThrowIfNull(configure);

        _handlers.Add((typeof(THandler), configure));
        return this;
    }

    internal IReadOnlyList<(Type HandlerType, Action<UpgradeHandlerOptions> Configure)> HandlerConfigurations => _handlers;
}

/// <summary>Settings of one handler class on one <c>MapUpgrade</c> endpoint.</summary>
public sealed class UpgradeHandlerOptions
{
    /// <summary>
    /// permessage-deflate for this WebSocket handler; starts as the endpoint's
    /// <see cref="UpgradeEndpointOptions.WebSocketDeflate"/>, null turns it off.
    /// </summary>
    public WebSocketDeflateOptions? WebSocketDeflate { get; set; }
}
