using System;
using System.Collections.Generic;
using System.Linq;

namespace HttpUpgrade;

/// <summary>
/// Decides, for one request head, whether and how to switch protocols. A pure function of the request and the registry:
/// it performs no I/O, keeps no per-request state and allocates nothing on the paths a well-formed request takes.
/// </summary>
/// <remarks>
/// Checks run in a fixed order so a request with several faults always gets the same answer: HTTP version, then
/// <c>Connection</c>/<c>Upgrade</c>, then, per offer in the client's order of preference, method, content, protocol
/// version, key and subprotocols. When an offer cannot be served the next one is tried; if none can, the first
/// handshake error wins, else the request is not an upgrade here.
/// </remarks>
public sealed class UpgradeNegotiator
{
    private const string WebSocketDefaultVersion = "13";

    private readonly IUpgradeRegistry _registry;
    private readonly bool _requireUpgrade;
    private readonly int _maxOffers;
    private readonly string _advertised;
    private readonly string _webSocketVersions;

    /// <summary>Creates a negotiator over <paramref name="registry"/>.</summary>
    /// <exception cref="ArgumentException">The registry has no registrations.</exception>
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

        // RFC 9110 §7.8: Upgrade applies only to HTTP/1.1 ("a server MUST ignore an Upgrade header field received in an
        // HTTP/1.0 request"); RFC 9113 §8.2.2 and RFC 9114 §4.2 forbid it in HTTP/2 and HTTP/3.
        if (request.HttpVersion != UpgradeHttpVersion.Http11)
        {
            return NotUpgraded(UpgradeReason.NotHttp11, request.HttpVersion);
        }

        // RFC 9110 §7.8: a sender of Upgrade MUST also send the "upgrade" connection option; without it the field
        // may have been forwarded by an intermediary that did not understand it, so it is not acted upon.
        if (request.GetFieldLineCount(UpgradeRequestHeader.Upgrade) == 0 || !UpgradeHeaders.ConnectionHasUpgrade(request))
        {
            return NotUpgraded(UpgradeReason.NotAnUpgrade, request.HttpVersion);
        }

        switch (UpgradeHeaders.ValidateUpgrade(request, _maxOffers, out int offers))
        {
            case UpgradeListStatus.Malformed:
                return UpgradeDecision.Reject(400, UpgradeReason.MalformedUpgrade);
            case UpgradeListStatus.TooMany:
                return UpgradeDecision.Reject(400, UpgradeReason.TooManyOffers);
        }

        if (offers == 0)
        {
            return NotUpgraded(UpgradeReason.NotAnUpgrade, request.HttpVersion);
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

            UpgradeDecision decision = candidates[0].Kind == UpgradeProtocolKind.WebSocket
                ? NegotiateWebSocket(request, offer, candidates)
                : NegotiateRaw(request, offer, candidates);

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

        return firstError.Outcome == UpgradeOutcome.Reject ? firstError : NotUpgraded(notServed, request.HttpVersion);
    }

    private UpgradeDecision NotUpgraded(UpgradeReason reason, UpgradeHttpVersion version)
    {
        if (!_requireUpgrade)
        {
            return UpgradeDecision.Ignore(reason);
        }

        // RFC 9110 §15.5.22: a 426 MUST send Upgrade listing the acceptable protocols, with "Connection: Upgrade".
        // HTTP/2 and HTTP/3 responses must not carry either field (RFC 9113 §8.2.2), so there the 426 goes without them.
        string? upgrade = version is UpgradeHttpVersion.Http2 or UpgradeHttpVersion.Http3 ? null : _advertised;
        return UpgradeDecision.Reject(426, reason, upgrade);
    }

    private static UpgradeDecision NegotiateRaw<TRequest>(TRequest request, UpgradeOffer offer, ReadOnlySpan<UpgradeRegistration> candidates)
        where TRequest : IUpgradeRequest
    {
        foreach (UpgradeRegistration registration in candidates)
        {
            ReadOnlySpan<string> versions = registration.VersionSpan;
            string? upgrade = null;
            string? version = null;
            if (!offer.HasVersion)
            {
                // An offer without a version accepts whatever version the server speaks; the 101 echoes it as offered.
                upgrade = registration.Name;
            }
            else if (versions.IsEmpty)
            {
                // A registration without Versions serves every version; the echo is the one case that allocates.
                version = offer.Version.ToString();
                upgrade = registration.Name + "/" + version;
            }
            else
            {
                for (int i = 0; i < versions.Length; i++)
                {
                    if (offer.Version.Equals(versions[i], StringComparison.OrdinalIgnoreCase))
                    {
                        version = versions[i];
                        upgrade = registration.GetUpgradeValue(i);
                        break;
                    }
                }
            }

            if (upgrade is null)
            {
                continue;
            }

            if (HasContent(request))
            {
                return UpgradeDecision.Reject(400, UpgradeReason.RequestHasContent);
            }

            return UpgradeDecision.AcceptRaw(registration, upgrade, version);
        }

        return UpgradeDecision.Ignore(UpgradeReason.UnsupportedProtocolVersion);
    }

    private UpgradeDecision NegotiateWebSocket<TRequest>(TRequest request, UpgradeOffer offer, ReadOnlySpan<UpgradeRegistration> candidates)
        where TRequest : IUpgradeRequest
    {
        // RFC 6455 §4.1: the client sends "Upgrade: websocket"; its version travels in Sec-WebSocket-Version, never in the token.
        if (offer.HasVersion)
        {
            return UpgradeDecision.Ignore(UpgradeReason.UnsupportedProtocolVersion);
        }

        // RFC 6455 §4.1 item 2: the method of the request MUST be GET. RFC 9110 §15.5.6: a 405 lists the allowed methods.
        if (!string.Equals(request.Method, "GET", StringComparison.Ordinal))
        {
            return UpgradeDecision.Reject(405, UpgradeReason.MethodNotAllowed, allow: "GET");
        }

        // A GET carries no content in the opening handshake; bytes after the head belong to the WebSocket.
        if (HasContent(request))
        {
            return UpgradeDecision.Reject(400, UpgradeReason.RequestHasContent);
        }

        // RFC 6455 §4.2.2 item 4 and §11.3.5: one Sec-WebSocket-Version that the server understands, else 426 listing them.
        string? version = null;
        if (UpgradeHeaders.TryGetSingle(request, UpgradeRequestHeader.SecWebSocketVersion, out ReadOnlySpan<char> offered))
        {
            foreach (UpgradeRegistration registration in candidates)
            {
                version = FindWebSocketVersion(registration, offered);
                if (version is not null)
                {
                    break;
                }
            }
        }

        if (version is null)
        {
            return UpgradeDecision.Reject(426, UpgradeReason.UnsupportedWebSocketVersion, upgrade: candidates[0].Name, secWebSocketVersion: _webSocketVersions);
        }

        // RFC 6455 §11.3.1: Sec-WebSocket-Key MUST NOT appear more than once; §4.1: 16 random bytes, base64-encoded.
        int keyLines = request.GetFieldLineCount(UpgradeRequestHeader.SecWebSocketKey);
        if (keyLines == 0)
        {
            return UpgradeDecision.Reject(400, UpgradeReason.MissingWebSocketKey);
        }

        if (keyLines > 1)
        {
            return UpgradeDecision.Reject(400, UpgradeReason.DuplicateWebSocketKey);
        }

        ReadOnlySpan<char> key = HttpTokenGrammar.TrimWhitespace(request.GetFieldLine(UpgradeRequestHeader.SecWebSocketKey, 0));
        if (!WebSocketHandshake.IsValidKey(key))
        {
            return UpgradeDecision.Reject(400, UpgradeReason.InvalidWebSocketKey);
        }

        // RFC 6455 §4.1 item 10: Sec-WebSocket-Protocol is a list of tokens in the client's order of preference.
        foreach (ReadOnlySpan<char> subProtocol in new HeaderListEnumerator<TRequest>(request, UpgradeRequestHeader.SecWebSocketProtocol))
        {
            if (!HttpTokenGrammar.IsToken(subProtocol))
            {
                return UpgradeDecision.Reject(400, UpgradeReason.MalformedSubProtocol);
            }
        }

        // The client's most preferred subprotocol that a version-compatible handler speaks selects that handler
        // (RFC 6455 §4.2.2 item 5.4: the server picks one of the client's values, or none, and never another).
        UpgradeRegistration? selected = null;
        string? selectedSubProtocol = null;
        foreach (ReadOnlySpan<char> subProtocol in new HeaderListEnumerator<TRequest>(request, UpgradeRequestHeader.SecWebSocketProtocol))
        {
            foreach (UpgradeRegistration registration in candidates)
            {
                if (FindWebSocketVersion(registration, offered) is null)
                {
                    continue;
                }

                foreach (string declared in registration.SubProtocolSpan)
                {
                    // Subprotocol names compare case-sensitively, as the browsers' and ws's selection does.
                    if (subProtocol.Equals(declared, StringComparison.Ordinal))
                    {
                        selected = registration;
                        selectedSubProtocol = declared;
                        goto Selected;
                    }
                }
            }
        }

        // No subprotocol agreed: a handler that declares none is the one written for that case, so it wins over one
        // that expects a subprotocol; otherwise the first version-compatible handler serves without one.
        foreach (UpgradeRegistration registration in candidates)
        {
            if (FindWebSocketVersion(registration, offered) is not null)
            {
                if (registration.SubProtocolSpan.IsEmpty)
                {
                    selected = registration;
                    break;
                }

                selected ??= registration;
            }
        }

    Selected:
        Span<char> accept = stackalloc char[UpgradeDecision.WebSocketAcceptLength];
        WebSocketHandshake.ComputeAcceptUnchecked(key, accept);
        return UpgradeDecision.AcceptWebSocket(selected!, FindWebSocketVersion(selected!, offered)!, selectedSubProtocol, accept);
    }

    private static string? FindWebSocketVersion(UpgradeRegistration registration, ReadOnlySpan<char> offered)
    {
        ReadOnlySpan<string> versions = registration.VersionSpan;
        if (versions.IsEmpty)
        {
            // A websocket registration without Versions speaks version 13, the only final one (RFC 6455 §4.1 item 9).
            return offered.SequenceEqual(WebSocketDefaultVersion) ? WebSocketDefaultVersion : null;
        }

        foreach (string version in versions)
        {
            if (offered.SequenceEqual(version))
            {
                return version;
            }
        }

        return null;
    }

    private static IEnumerable<string> WebSocketVersionsOf(UpgradeRegistration registration)
        => registration.Versions.Count == 0 ? [WebSocketDefaultVersion] : registration.Versions;

    private static bool HasContent<TRequest>(TRequest request)
        where TRequest : IUpgradeRequest
    {
        if (request.GetFieldLineCount(UpgradeRequestHeader.TransferEncoding) > 0)
        {
            return true;
        }

        int lines = request.GetFieldLineCount(UpgradeRequestHeader.ContentLength);
        for (int i = 0; i < lines; i++)
        {
            // RFC 9110 §8.6: Content-Length = 1*DIGIT; "0" and "00" both mean no content. Anything else is content
            // (or malformed, which the host rejects on its own).
            ReadOnlySpan<char> length = HttpTokenGrammar.TrimWhitespace(request.GetFieldLine(UpgradeRequestHeader.ContentLength, i));
            if (length.IsEmpty || length.ContainsAnyExcept('0'))
            {
                return true;
            }
        }

        return false;
    }
}
