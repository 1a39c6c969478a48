using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.WebSockets;

namespace HttpUpgrade;

/// <summary>
/// Decides, for one request head, whether and how to switch protocols. A pure function of the request and the registry:
/// it performs no I/O, keeps no per-request state and allocates nothing on the paths a well-formed request takes.
/// </summary>
/// <remarks>
/// <para>Checks run in a fixed order so a request with several faults always gets the same answer: HTTP version, then
/// <c>Connection</c>/<c>Upgrade</c>, then <c>Host</c>, then, per offer in the client's order of preference, method,
/// content, <c>Expect</c>, protocol version, key, origin, and subprotocols/extensions. When an offer cannot be served the
/// next one is tried; if none can, the first handshake error wins, else the request is not an upgrade here.</para>
/// <para><c>Host</c> comes before the offers because it is a rule of every HTTP/1.1 request (RFC 9112 §3.2), not of a
/// protocol, yet after <c>Connection</c>/<c>Upgrade</c> so that a request that is no upgrade is never answered for it.
/// Content and <c>Expect</c> follow the method: both concern the request's body, which only a method defines.</para>
/// <para>HTTP/2 and HTTP/3 never upgrade with <c>Upgrade</c>; there a WebSocket arrives as an extended CONNECT
/// (RFC 8441, RFC 9220) whose <c>:protocol</c> names the registered token, and is checked in the same order less the
/// parts that do not exist there (method, content, key).</para>
/// </remarks>
public sealed partial class UpgradeNegotiator
{
    private const string WebSocketDefaultVersion = "13";

    private readonly IUpgradeRegistry _registry;
    private readonly bool _requireUpgrade;
    private readonly int _maxOffers;
    private readonly string _advertised;
    private readonly string _webSocketVersions;
    private readonly WebSocketOriginPolicy _origin;
    private readonly UnmatchedSubProtocolBehavior _unmatchedSubProtocol;
    private readonly Dictionary<UpgradeRegistration, WebSocketDeflateOptions> _deflate;

    /// <summary>Creates a negotiator over <paramref name="registry"/>.</summary>
    /// <exception cref="ArgumentException">
    /// The registry has no registrations, two of its handlers claim the same protocol, version and subprotocol (so
    /// neither could be chosen over the other), an allowed origin is malformed, or
    /// <see cref="UpgradeNegotiatorOptions.ForHandler{THandler}"/> names a handler the registry does not serve.
    /// </exception>
    public UpgradeNegotiator(IUpgradeRegistry registry, UpgradeNegotiatorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        if (registry.Registrations.Count == 0)
        {
            throw new ArgumentException(
                "The registry has no upgrade handlers. Mark a class with [UpgradeProtocol(\"name\")] and implement IUpgradeHandler or IWebSocketHandler.",
                nameof(registry));
        }

        options ??= new UpgradeNegotiatorOptions();
        _registry = registry;
        _requireUpgrade = options.RequireUpgrade;
        _maxOffers = options.MaxOffers;
        _origin = options.CreateOriginPolicy();
        _unmatchedSubProtocol = options.UnmatchedSubProtocol;
        _deflate = options.GetWebSocketDeflate(registry.Registrations);
        ThrowIfRegistrationsCollide(registry.Registrations);

        var advertised = new List<string>();
        var webSocketVersions = new List<string>();
        foreach (UpgradeRegistration registration in registry.Registrations)
        {
            // Each protocol is listed once, even when several handlers serve it or their versions overlap.
            foreach (string protocol in registration.Advertised.Split(", "))
            {
                if (!advertised.Contains(protocol, StringComparer.OrdinalIgnoreCase))
                {
                    advertised.Add(protocol);
                }
            }

            if (registration.Kind == UpgradeProtocolKind.WebSocket)
            {
                foreach (string version in WebSocketVersionsOf(registration))
                {
                    if (!webSocketVersions.Contains(version, StringComparer.Ordinal))
                    {
                        webSocketVersions.Add(version);
                    }
                }
            }
        }

        _advertised = string.Join(", ", advertised);
        _webSocketVersions = string.Join(", ", webSocketVersions);
    }

    /// <summary>The registry this negotiator dispatches through.</summary>
    public IUpgradeRegistry Registry => _registry;

    /// <summary>The <c>Upgrade</c> field of a 426: every registered protocol.</summary>
    public string AdvertisedProtocols => _advertised;

    /// <summary>The <c>Sec-WebSocket-Version</c> field of a WebSocket 426: every supported version.</summary>
    public string SupportedWebSocketVersions => _webSocketVersions;

    /// <summary>
    /// Turns an accepted decision into the rejection a host sends when it cannot carry it out: the host cannot switch
    /// this request (<see cref="UpgradeReason.HostCannotUpgrade"/>, 426 listing the registered protocols), is shutting
    /// down (<see cref="UpgradeReason.ShuttingDown"/>, 503), already holds as many upgraded connections as it allows
    /// (<see cref="UpgradeReason.ConnectionLimitReached"/>, 503), could not create the handler
    /// (<see cref="UpgradeReason.HandlerUnavailable"/>, 500) or failed to switch before sending anything
    /// (<see cref="UpgradeReason.SwitchFailed"/>, 503).
    /// </summary>
    /// <param name="accepted">The decision the host could not carry out.</param>
    /// <param name="reason">One of the five host reasons above.</param>
    /// <exception cref="ArgumentException"><paramref name="accepted"/> is not an accepted decision.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reason"/> is not a host reason.</exception>
    public UpgradeDecision Refuse(in UpgradeDecision accepted, UpgradeReason reason) => Refuse(accepted, reason, null);

    /// <summary>
    /// As <see cref="Refuse(in UpgradeDecision, UpgradeReason)"/>, and a 503 says when to try again: a
    /// <c>Retry-After</c> field of <paramref name="retryAfter"/>, rounded up to whole seconds (RFC 9110 §10.2.3).
    /// </summary>
    /// <param name="accepted">The decision the host could not carry out.</param>
    /// <param name="reason">A host reason (see <see cref="Refuse(in UpgradeDecision, UpgradeReason)"/>).</param>
    /// <param name="retryAfter">The delay to advertise, or null for none. Only a 503 carries one.</param>
    /// <exception cref="ArgumentException"><paramref name="accepted"/> is not an accepted decision.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="reason"/> is not a host reason, or <paramref name="retryAfter"/> is negative, not shorter than
    /// <see cref="int.MaxValue"/> seconds, or given for a refusal that is not a 503.
    /// </exception>
    public UpgradeDecision Refuse(in UpgradeDecision accepted, UpgradeReason reason, TimeSpan? retryAfter)
    {
        if (accepted.Outcome != UpgradeOutcome.Accept)
        {
            throw new ArgumentException("Only an accepted decision can be refused by the host.", nameof(accepted));
        }

        UpgradeDecision refusal = reason switch
        {
            // RFC 9110 §15.5.22 as for any 426; HTTP/2 and HTTP/3 responses carry neither field (RFC 9113 §8.2.2).
            UpgradeReason.HostCannotUpgrade when accepted.IsExtendedConnect => UpgradeDecision.Reject(reason),
            UpgradeReason.HostCannotUpgrade => UpgradeDecision.Reject(reason, _advertised).WithConnectionClose(),
            UpgradeReason.ShuttingDown or UpgradeReason.ConnectionLimitReached or UpgradeReason.HandlerUnavailable or UpgradeReason.SwitchFailed
                when accepted.IsExtendedConnect => UpgradeDecision.Reject(reason),
            UpgradeReason.ShuttingDown or UpgradeReason.ConnectionLimitReached or UpgradeReason.HandlerUnavailable or UpgradeReason.SwitchFailed
                => UpgradeDecision.Reject(reason).WithConnectionClose(),
            _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "A host refuses an accepted upgrade only for HostCannotUpgrade, ShuttingDown, ConnectionLimitReached, HandlerUnavailable or SwitchFailed."),
        };

        if (retryAfter is not { } delay)
        {
            return refusal;
        }

        if (refusal.StatusCode != 503)
        {
            throw new ArgumentOutOfRangeException(nameof(retryAfter), retryAfter, $"Only a 503 says when to try again; {reason} is answered {refusal.StatusCode}.");
        }

        // RFC 9110 §10.2.3: delay-seconds is a whole number; rounding up never tells a client to come back too early.
        double seconds = Math.Ceiling(delay.TotalSeconds);
        if (seconds < 0 || seconds >= int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(retryAfter), retryAfter, "Retry-After must be at least zero and less than int.MaxValue seconds.");
        }

        return refusal.WithRetryAfter((int)seconds);
    }

    /// <summary>Decides what to do with <paramref name="request"/>.</summary>
    public UpgradeDecision Negotiate<TRequest>(TRequest request)
        where TRequest : IUpgradeRequest
    {
        // A struct request is never null. Testing the type first keeps 'is null' from boxing it in code the JIT does not
        // optimize (Debug builds), where ThrowIfNull(object) or a bare 'is null' allocates a box on every call.
        if (!typeof(TRequest).IsValueType && request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        UpgradeHttpVersion httpVersion = request.HttpVersion;
        if (httpVersion is UpgradeHttpVersion.Http2 or UpgradeHttpVersion.Http3)
        {
            // RFC 8441 §4, RFC 9220 §3: a WebSocket over HTTP/2 or HTTP/3 is a CONNECT carrying :protocol.
            if (string.Equals(request.Method, "CONNECT", StringComparison.Ordinal)
                && request.GetFieldLineCount(UpgradeRequestHeader.Protocol) > 0)
            {
                return NegotiateExtendedConnect(request);
            }

            return NotUpgraded(UpgradeReason.NotHttp11, httpVersion);
        }

        // RFC 9110 §7.8: Upgrade applies only to HTTP/1.1 ("a server MUST ignore an Upgrade header field received in an
        // HTTP/1.0 request"); RFC 9113 §8.2.2 and RFC 9114 §4.2 forbid it in HTTP/2 and HTTP/3.
        if (httpVersion != UpgradeHttpVersion.Http11)
        {
            return NotUpgraded(UpgradeReason.NotHttp11, httpVersion);
        }

        // RFC 9110 §7.8: a sender of Upgrade MUST also send the "upgrade" connection option; without it the field
        // may have been forwarded by an intermediary that did not understand it, so it is not acted upon.
        if (request.GetFieldLineCount(UpgradeRequestHeader.Upgrade) == 0 || !UpgradeHeaders.ConnectionHasUpgrade(request))
        {
            return NotUpgraded(UpgradeReason.NotAnUpgrade, httpVersion);
        }

        // From here the request asked to upgrade, and the client may have sent bytes of the new protocol behind its head:
        // a refusal ends the connection, so those bytes are never parsed as HTTP.
        UpgradeDecision decision = NegotiateOffers(request, httpVersion);
        return decision.Outcome == UpgradeOutcome.Reject ? decision.WithConnectionClose() : decision;
    }

    private UpgradeDecision NegotiateOffers<TRequest>(TRequest request, UpgradeHttpVersion httpVersion)
        where TRequest : IUpgradeRequest
    {
        switch (UpgradeHeaders.ValidateUpgrade(request, _maxOffers, out int offers))
        {
            case UpgradeListStatus.Malformed:
                return UpgradeDecision.Reject(UpgradeReason.MalformedUpgrade);
            case UpgradeListStatus.TooMany:
                return UpgradeDecision.Reject(UpgradeReason.TooManyOffers);
        }

        if (offers == 0)
        {
            return NotUpgraded(UpgradeReason.NotAnUpgrade, httpVersion);
        }

        // RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status code to any HTTP/1.1 request message that
        // lacks a Host header field and to any request message that contains more than one Host header field line";
        // RFC 6455 §4.2.1 item 2 requires it of the handshake. An empty Host names no authority to upgrade at.
        if (!UpgradeHeaders.HasSingleHost(request))
        {
            return UpgradeDecision.Reject(UpgradeReason.InvalidHost);
        }

        UpgradeDecision firstError = default;
        UpgradeReason notServed = UpgradeReason.NoRegisteredProtocol;
        foreach (ReadOnlySpan<char> element in new HeaderListEnumerator<TRequest>(request, UpgradeRequestHeader.Upgrade))
        {
            UpgradeOffer.TryParse(element, out UpgradeOffer offer);
            ReadOnlySpan<UpgradeRegistration> candidates = _registry.Match(offer.Name);
            if (candidates.IsEmpty)
            {
                continue;
            }

            UpgradeDecision decision = candidates[0].Kind switch
            {
                UpgradeProtocolKind.WebSocket => NegotiateWebSocket(request, offer, candidates, extendedConnect: false),
                UpgradeProtocolKind.Tls => NegotiateTls(request, offer, candidates[0]),
                UpgradeProtocolKind.H2c => NegotiateH2c(request, offer, candidates[0]),
                _ => NegotiateRaw(request, offer, candidates, extendedConnect: false),
            };

            if (decision.Outcome == UpgradeOutcome.Accept)
            {
                return decision;
            }

            if (decision.Outcome == UpgradeOutcome.Reject)
            {
                if (firstError.Outcome != UpgradeOutcome.Reject)
                {
                    firstError = decision;
                }
            }
            else
            {
                notServed = decision.Reason;
            }
        }

        return firstError.Outcome == UpgradeOutcome.Reject ? firstError : NotUpgraded(notServed, httpVersion);
    }

    private UpgradeDecision NotUpgraded(UpgradeReason reason, UpgradeHttpVersion version)
    {
        if (!_requireUpgrade)
        {
            return UpgradeDecision.Ignore(reason);
        }

        // RFC 9110 §15.5.22: a 426 MUST send Upgrade listing the acceptable protocols, with "Connection: Upgrade".
        // HTTP/2 and HTTP/3 responses must not carry either field (RFC 9113 §8.2.2), so there the 426 goes without them.
        string? upgrade = IsMultiplexed(version) ? null : _advertised;
        return UpgradeDecision.Reject(reason, upgrade);
    }

    private static bool IsMultiplexed(UpgradeHttpVersion version) => version is UpgradeHttpVersion.Http2 or UpgradeHttpVersion.Http3;

    /// <summary>
    /// Two handlers that claim the same protocol, version and subprotocol cannot share a negotiator: no request could
    /// choose between them. The rule is the one the analyzers apply at compile time (UPG003, UPG011).
    /// </summary>
    private static void ThrowIfRegistrationsCollide(IReadOnlyList<UpgradeRegistration> registrations)
    {
        var claimants = new Claimant<Type>[registrations.Count];
        for (int i = 0; i < claimants.Length; i++)
        {
            UpgradeRegistration registration = registrations[i];
            claimants[i] = new Claimant<Type>(registration.HandlerType, registration.Name, registration.Versions, registration.SubProtocols);
        }

        DuplicateClaim?[] duplicates = RegistrationRules.FindDuplicates(claimants, EqualityComparer<Type>.Default);
        for (int i = 0; i < duplicates.Length; i++)
        {
            if (duplicates[i] is { } duplicate)
            {
                UpgradeRegistration first = registrations[duplicate.FirstIndex];
                string message = first.HandlerType == registrations[i].HandlerType
                    ? $"'{first.HandlerName}' claims {duplicate.Claim} twice; register each protocol, version and subprotocol once."
                    : $"'{first.HandlerName}' and '{registrations[i].HandlerName}' both claim {duplicate.Claim}, so no request could choose between them: serve them on different endpoints, or give them different versions or subprotocols.";
                throw new ArgumentException(message, "registry");
            }
        }
    }

}
