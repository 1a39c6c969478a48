using System;
using System.Collections.Generic;
using System.Net.WebSockets;

namespace HttpUpgrade;

/// <summary>How an <see cref="UpgradeNegotiator"/> treats requests.</summary>
public sealed class UpgradeNegotiatorOptions
{
    private int _maxOffers = 8;
    private UnmatchedSubProtocolBehavior _unmatchedSubProtocol = UnmatchedSubProtocolBehavior.Reject;
    private readonly List<(Type HandlerType, Action<UpgradeHandlerOptions> Configure)> _handlers = [];

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
            if (value is < 1 or > 64)
            {
                throw new ArgumentOutOfRangeException(nameof(MaxOffers), value, "MaxOffers must be between 1 and 64.");
            }

            _maxOffers = value;
        }
    }

    /// <summary>
    /// Browser origins (<c>scheme://host[:port]</c>, no path) allowed to open a WebSocket besides the request's own
    /// (RFC 6455 §10.2); a handshake from any other origin is answered <c>403 Forbidden</c> before a handler is created.
    /// A handshake without <c>Origin</c> (a non-browser client) is always allowed. Entries are checked when the
    /// negotiator is built.
    /// </summary>
    public IList<string> AllowedOrigins { get; } = new List<string>();

    /// <summary>
    /// Whether a page served from the request's own origin (scheme, host and port) may open a WebSocket. Default true;
    /// false leaves only <see cref="AllowedOrigins"/>, which must then name at least one origin.
    /// </summary>
    public bool AllowSameOrigin { get; set; } = true;

    /// <summary>
    /// Allows a WebSocket handshake from every origin, ignoring <see cref="AllowedOrigins"/> and
    /// <see cref="AllowSameOrigin"/>. Default false. Only for endpoints that authenticate each connection by other means
    /// than cookies.
    /// </summary>
    public bool AllowAnyOrigin { get; set; }

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
                throw new ArgumentOutOfRangeException(nameof(UnmatchedSubProtocol), value, "UnmatchedSubProtocol must be Reject or ServeWithoutSubProtocol.");
            }

            _unmatchedSubProtocol = value;
        }
    }

    /// <summary>
    /// permessage-deflate (RFC 7692) for every WebSocket handler: the largest windows and the context takeover the server
    /// agrees to; what the client offers can only make them smaller. Null, the default, declines every offer.
    /// <see cref="ForHandler{THandler}"/> overrides it per handler. Compression of data that mixes secrets with
    /// attacker-chosen text is open to CRIME/BREACH-style attacks, hence the "Dangerous" in
    /// <see cref="WebSocketCreationOptions.DangerousDeflateOptions"/>.
    /// </summary>
    public WebSocketDeflateOptions? WebSocketDeflate { get; set; }

    /// <summary>
    /// Settings for the handler class <typeparamref name="THandler"/>, applied after the negotiator-wide ones (so
    /// <c>ForHandler&lt;ChatHandler&gt;(h =&gt; h.WebSocketDeflate = new())</c> turns compression on for that handler alone).
    /// </summary>
    /// <returns>These options, for chaining.</returns>
    /// <remarks>The negotiator throws <see cref="ArgumentException"/> when it serves no registration of <typeparamref name="THandler"/>.</remarks>
    public UpgradeNegotiatorOptions ForHandler<THandler>(Action<UpgradeHandlerOptions> configure)
        where THandler : class
    {
        ArgumentNullException.ThrowIfNull(configure);
        _handlers.Add((typeof(THandler), configure));
        return this;
    }

    /// <summary>The origin policy these options describe.</summary>
    /// <exception cref="ArgumentException">An allowed origin is malformed, or none is allowed at all.</exception>
    internal WebSocketOriginPolicy CreateOriginPolicy()
    {
        if (AllowAnyOrigin)
        {
            return WebSocketOriginPolicy.AnyOrigin;
        }

        if (!AllowSameOrigin && AllowedOrigins.Count == 0)
        {
            throw new ArgumentException(
                "AllowSameOrigin is false and AllowedOrigins is empty, so no browser page could open a WebSocket: list the allowed origins, or allow the same origin.");
        }

        return AllowSameOrigin ? WebSocketOriginPolicy.SameOriginAnd(AllowedOrigins) : WebSocketOriginPolicy.AllowList(AllowedOrigins);
    }

    /// <summary>The permessage-deflate settings for each WebSocket registration that has any, after <see cref="ForHandler{THandler}"/>.</summary>
    /// <exception cref="ArgumentException"><see cref="ForHandler{THandler}"/> names a class no registration of <paramref name="registrations"/> serves.</exception>
    internal Dictionary<UpgradeRegistration, WebSocketDeflateOptions> GetWebSocketDeflate(IReadOnlyList<UpgradeRegistration> registrations)
    {
        var deflate = new Dictionary<UpgradeRegistration, WebSocketDeflateOptions>(ReferenceEqualityComparer.Instance);
        foreach (UpgradeRegistration registration in registrations)
        {
            if (registration.Kind == UpgradeProtocolKind.WebSocket && WebSocketDeflate is { } shared)
            {
                deflate[registration] = Copy(shared);
            }
        }

        foreach ((Type handlerType, Action<UpgradeHandlerOptions> configure) in _handlers)
        {
            bool served = false;
            foreach (UpgradeRegistration registration in registrations)
            {
                if (registration.HandlerType != handlerType)
                {
                    continue;
                }

                served = true;
                var handler = new UpgradeHandlerOptions(registration.HandlerType)
                {
                    WebSocketDeflate = deflate.TryGetValue(registration, out WebSocketDeflateOptions? current) ? Copy(current) : null,
                };
                configure(handler);
                if (registration.Kind == UpgradeProtocolKind.WebSocket && handler.WebSocketDeflate is { } chosen)
                {
                    // A snapshot: the options object stays the caller's to change, the negotiator's answers do not.
                    deflate[registration] = Copy(chosen);
                }
                else
                {
                    deflate.Remove(registration);
                }
            }

            if (!served)
            {
                throw new ArgumentException(
                    $"ForHandler<{handlerType.Name}>() names '{(handlerType.FullName ?? handlerType.Name).Replace('+', '.')}', which serves no protocol here. Mark it with [UpgradeProtocol], register its assembly's handlers, and serve it on this endpoint.");
            }
        }

        return deflate;
    }

    private static WebSocketDeflateOptions Copy(WebSocketDeflateOptions options) => new()
    {
        ClientMaxWindowBits = options.ClientMaxWindowBits,
        ClientContextTakeover = options.ClientContextTakeover,
        ServerMaxWindowBits = options.ServerMaxWindowBits,
        ServerContextTakeover = options.ServerContextTakeover,
    };
}

/// <summary>Settings of one handler class, from <see cref="UpgradeNegotiatorOptions.ForHandler{THandler}"/>.</summary>
public sealed class UpgradeHandlerOptions
{
    internal UpgradeHandlerOptions(Type handlerType) => HandlerType = handlerType;

    /// <summary>The handler class these settings apply to.</summary>
    public Type HandlerType { get; }

    /// <summary>
    /// permessage-deflate for this WebSocket handler; starts as <see cref="UpgradeNegotiatorOptions.WebSocketDeflate"/>,
    /// null turns it off.
    /// </summary>
    public WebSocketDeflateOptions? WebSocketDeflate { get; set; }
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
