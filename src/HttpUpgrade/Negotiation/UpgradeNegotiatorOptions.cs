using System;
using System.Collections.Generic;
using System.Net.WebSockets;

namespace HttpUpgrade;

/// <summary>How an <see cref="UpgradeNegotiator"/> treats requests.</summary>
public sealed class UpgradeNegotiatorOptions
{
    private int _maxOffers = 8;
    private WebSocketOriginPolicy _origin = WebSocketOriginPolicy.SameOrigin;
    private UnmatchedSubProtocolBehavior _unmatchedSubProtocol = UnmatchedSubProtocolBehavior.Reject;
    private readonly Dictionary<UpgradeRegistration, WebSocketDeflateOptions?> _deflateByRegistration = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// When true (an upgrade-only endpoint such as <c>MapUpgrade</c>), a request that does not upgrade is answered
    /// <c>426 Upgrade Required</c> listing the registered protocols, instead of being ignored.
    /// </summary>
    public bool RequireUpgrade { get; set; }

    /// <summary>The most <c>Upgrade</c> elements read before the request is rejected with 400. Default 8.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1 or above 64.</exception>
    public int MaxOffers
    {
        get => _maxOffers;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 64);
            _maxOffers = value;
        }
    }

    /// <summary>
    /// Which <c>Origin</c>s may open a WebSocket; a handshake from any other is answered <c>403 Forbidden</c>.
    /// Default <see cref="WebSocketOriginPolicy.SameOrigin"/>.
    /// </summary>
    public WebSocketOriginPolicy Origin
    {
        get => _origin;
        set => _origin = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>
    /// What happens when no subprotocol is agreed (the client offered none, or only ones no handler speaks) and every
    /// version-compatible handler declares subprotocols. Default <see cref="UnmatchedSubProtocolBehavior.Reject"/>: a
    /// handler written for a subprotocol never runs without one. A handler that declares no subprotocol is always
    /// preferred when none is agreed, whatever this says.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined member.</exception>
    public UnmatchedSubProtocolBehavior UnmatchedSubProtocol
    {
        get => _unmatchedSubProtocol;
        set
        {
            if (!Enum.IsDefined(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "Not an UnmatchedSubProtocolBehavior.");
            }

            _unmatchedSubProtocol = value;
        }
    }

    /// <summary>
    /// permessage-deflate (RFC 7692) for every WebSocket handler: the most the server agrees to (window sizes, context
    /// takeover). Null, the default, declines every offer. <see cref="SetWebSocketDeflate"/> overrides it per registration.
    /// </summary>
    public WebSocketDeflateOptions? WebSocketDeflate { get; set; }

    /// <summary>
    /// Sets permessage-deflate for one registration, overriding <see cref="WebSocketDeflate"/>: null turns it off for
    /// that handler even when it is on for the others.
    /// </summary>
    public void SetWebSocketDeflate(UpgradeRegistration registration, WebSocketDeflateOptions? deflate)
    {
        ArgumentNullException.ThrowIfNull(registration);
        _deflateByRegistration[registration] = deflate;
    }

    /// <summary>The permessage-deflate settings that apply to <paramref name="registration"/>.</summary>
    public WebSocketDeflateOptions? GetWebSocketDeflate(UpgradeRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        return _deflateByRegistration.TryGetValue(registration, out WebSocketDeflateOptions? deflate) ? deflate : WebSocketDeflate;
    }
}

/// <summary>What a negotiator does when a WebSocket handshake agrees on no subprotocol and every candidate handler requires one.</summary>
public enum UnmatchedSubProtocolBehavior
{
    /// <summary>Answer <c>400 Bad Request</c>: the handshake is refused rather than run a handler without the subprotocol it was written for.</summary>
    Reject = 0,

    /// <summary>
    /// The first version-compatible handler serves the connection without a subprotocol (no <c>Sec-WebSocket-Protocol</c>
    /// in the 101). Browsers fail such a connection when they offered subprotocols; other clients may not.
    /// </summary>
    ServeWithoutSubProtocol = 1,
}
