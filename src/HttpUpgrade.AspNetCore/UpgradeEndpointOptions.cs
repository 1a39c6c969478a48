using System;
using System.Threading;

namespace HttpUpgrade.AspNetCore;

/// <summary>Settings of one endpoint mapped with <c>MapUpgrade</c>.</summary>
public sealed class UpgradeEndpointOptions
{
    private TimeSpan _webSocketKeepAliveInterval = TimeSpan.FromSeconds(30);
    private TimeSpan _closeTimeout = TimeSpan.FromSeconds(5);
    private int _maxOffers = 8;

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
    /// How long the server waits for the client's answer when it completes a WebSocket closing handshake after the
    /// handler returns (RFC 6455 §7.1.2); the connection is aborted when it expires. Default 5 seconds.
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
}
