using System;
using System.Collections.Generic;
using System.Net.WebSockets;

namespace HttpUpgrade;

// The websocket token: the RFC 6455 §4.2 opening handshake, and its RFC 8441 form over HTTP/2 extended CONNECT.
public sealed partial class UpgradeNegotiator
{
    private UpgradeDecision NegotiateWebSocket<TRequest>(TRequest request, UpgradeOffer offer, ReadOnlySpan<UpgradeRegistration> candidates, bool extendedConnect)
        where TRequest : IUpgradeRequest
    {
        // RFC 6455 §4.1: the client sends "Upgrade: websocket"; its version travels in Sec-WebSocket-Version, never in the token.
        if (offer.HasVersion)
        {
            return UpgradeDecision.Ignore(UpgradeReason.UnsupportedProtocolVersion);
        }

        if (!extendedConnect)
        {
            // RFC 6455 §4.1 item 2: the method of the request MUST be GET. RFC 9110 §15.5.6: a 405 lists the allowed methods.
            if (!string.Equals(request.Method, "GET", StringComparison.Ordinal))
            {
                return UpgradeDecision.Reject(UpgradeReason.MethodNotAllowed);
            }

            // A GET carries no content in the opening handshake; bytes after the head belong to the WebSocket.
            if (HasContent(request))
            {
                return UpgradeDecision.Reject(UpgradeReason.RequestHasContent);
            }
        }

        // RFC 9110 §10.1.1: 417 is for an expectation the server cannot meet. "100-continue" on a request without content
        // is met by answering at all (as Kestrel's own WebSocket middleware does; the host never sends an interim 100 for
        // content that is never read); any other expectation is unknown here, and refused.
        if (UpgradeHeaders.HasUnmetExpectation(request))
        {
            return UpgradeDecision.Reject(UpgradeReason.ExpectationFailed);
        }

        // RFC 6455 §4.2.2 item 4 and §11.3.5: one Sec-WebSocket-Version that the server understands, else 426 listing them.
        // RFC 8441 §5 keeps the header on HTTP/2, where the 426 cannot carry Upgrade (RFC 9113 §8.2.2).
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
            return UpgradeDecision.Reject(
                UpgradeReason.UnsupportedWebSocketVersion,
                upgrade: extendedConnect ? null : candidates[0].Name,
                secWebSocketVersion: _webSocketVersions);
        }

        // RFC 8441 §5: over extended CONNECT there is no Sec-WebSocket-Key and no Sec-WebSocket-Accept.
        ReadOnlySpan<char> key = default;
        if (!extendedConnect)
        {
            // RFC 6455 §11.3.1: Sec-WebSocket-Key MUST NOT appear more than once; §4.1: 16 random bytes, base64-encoded.
            int keyLines = request.GetFieldLineCount(UpgradeRequestHeader.SecWebSocketKey);
            if (keyLines == 0)
            {
                return UpgradeDecision.Reject(UpgradeReason.MissingWebSocketKey);
            }

            if (keyLines > 1)
            {
                return UpgradeDecision.Reject(UpgradeReason.DuplicateWebSocketKey);
            }

            key = HttpTokenGrammar.TrimWhitespace(request.GetFieldLine(UpgradeRequestHeader.SecWebSocketKey, 0));
            if (!WebSocketHandshake.IsValidKey(key))
            {
                return UpgradeDecision.Reject(UpgradeReason.InvalidWebSocketKey);
            }
        }

        // RFC 6455 §10.2: a server that serves browsers checks Origin, and §4.2.2 item 4 answers a refused origin with
        // 403. It is decided here, before any handler exists.
        if (!_origin.IsAllowed(request))
        {
            return UpgradeDecision.Reject(UpgradeReason.OriginNotAllowed);
        }

        // RFC 6455 §4.1 item 10: Sec-WebSocket-Protocol is a list of tokens in the client's order of preference. The client's
        // most preferred subprotocol that a version-compatible handler speaks selects that handler (RFC 6455 §4.2.2 item
        // 5.4: the server picks one of the client's values, or none, and never another). One pass reads the list: every
        // element must be a token, including those after the one selected. Empty list elements are skipped by the
        // enumerator, so the answer is never an empty subprotocol.
        UpgradeRegistration? selected = null;
        string? selectedSubProtocol = null;
        foreach (ReadOnlySpan<char> subProtocol in new HeaderListEnumerator<TRequest>(request, UpgradeRequestHeader.SecWebSocketProtocol))
        {
            if (!HttpTokenGrammar.IsToken(subProtocol))
            {
                return UpgradeDecision.Reject(UpgradeReason.MalformedSubProtocol);
            }

            if (selected is not null)
            {
                continue;
            }

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
                        break;
                    }
                }

                if (selected is not null)
                {
                    break;
                }
            }
        }

        if (selected is not null)
        {
            goto Selected;
        }

        // No subprotocol agreed: a handler that declares none is the one written for that case, so it wins over one
        // that expects a subprotocol. Otherwise the endpoint's UnmatchedSubProtocol decides: by default a handler
        // written for a subprotocol never runs without one.
        UpgradeRegistration? fallback = null;
        foreach (UpgradeRegistration registration in candidates)
        {
            if (FindWebSocketVersion(registration, offered) is not null)
            {
                if (registration.SubProtocolSpan.IsEmpty)
                {
                    selected = registration;
                    break;
                }

                fallback ??= registration;
            }
        }

        if (selected is null)
        {
            if (_unmatchedSubProtocol == UnmatchedSubProtocolBehavior.Reject)
            {
                return UpgradeDecision.Reject(UpgradeReason.NoAcceptableSubProtocol);
            }

            selected = fallback;
        }

    Selected:
        // RFC 7692: permessage-deflate is agreed per handler; an unacceptable or absent offer leaves the handshake as it is.
        WebSocketDeflateParameters deflate = _deflate.TryGetValue(selected!, out WebSocketDeflateOptions? deflateOptions)
            ? PerMessageDeflate.Negotiate(request, deflateOptions)
            : default;

        string selectedVersion = FindWebSocketVersion(selected!, offered)!;
        if (extendedConnect)
        {
            return UpgradeDecision.AcceptExtendedConnect(selected!, selectedVersion, selectedSubProtocol, deflate);
        }

        Span<char> accept = stackalloc char[UpgradeDecision.WebSocketAcceptLength];
        WebSocketHandshake.ComputeAcceptUnchecked(key, accept);
        return UpgradeDecision.AcceptWebSocket(selected!, selectedVersion, selectedSubProtocol, deflate, accept);
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
}
