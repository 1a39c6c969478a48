using System;

namespace HttpUpgrade;

// RFC 8441 and RFC 9220: a WebSocket (or any registered token) over an HTTP/2 or HTTP/3 extended CONNECT.
public sealed partial class UpgradeNegotiator
{
    private UpgradeDecision NegotiateExtendedConnect<TRequest>(TRequest request)
        where TRequest : IUpgradeRequest
    {
        // RFC 9113 §8.2.2: a request with a connection-specific field is malformed. Kestrel passes some through (Upgrade,
        // on 10.0), so the negotiator checks: a malformed CONNECT is never answered 200.
        if (HasConnectionSpecificField(request))
        {
            return UpgradeDecision.Reject(UpgradeReason.ConnectionSpecificField);
        }

        // RFC 8441 §4: one :protocol, naming a token of the HTTP Upgrade Token Registry. The offer grammar is the
        // Upgrade element's, so a registered name/version is reachable the same way on every HTTP version.
        if (request.GetFieldLineCount(UpgradeRequestHeader.Protocol) != 1
            || !UpgradeOffer.TryParse(HttpTokenGrammar.TrimWhitespace(request.GetFieldLine(UpgradeRequestHeader.Protocol, 0)), out UpgradeOffer offer))
        {
            return UpgradeDecision.Reject(UpgradeReason.MalformedUpgrade);
        }

        // TLS and h2c switch a whole HTTP/1.1 connection; a stream of a multiplexed connection has neither to switch.
        ReadOnlySpan<UpgradeRegistration> candidates = _registry.Match(offer.Name);
        if (candidates.IsEmpty || candidates[0].Kind is UpgradeProtocolKind.Tls or UpgradeProtocolKind.H2c)
        {
            return NotUpgraded(UpgradeReason.NoRegisteredProtocol, request.HttpVersion);
        }

        // RFC 9113 §8.5: an extended CONNECT carries :authority, which the host presents as Host.
        if (!UpgradeHeaders.HasSingleHost(request))
        {
            return UpgradeDecision.Reject(UpgradeReason.InvalidHost);
        }

        UpgradeDecision decision = candidates[0].Kind == UpgradeProtocolKind.WebSocket
            ? NegotiateWebSocket(request, offer, candidates, extendedConnect: true)
            : NegotiateRaw(request, offer, candidates, extendedConnect: true);
        return decision.Outcome == UpgradeOutcome.Ignore ? NotUpgraded(decision.Reason, request.HttpVersion) : decision;
    }

    private static bool HasConnectionSpecificField<TRequest>(TRequest request)
        where TRequest : IUpgradeRequest
    {
        if (request.GetFieldLineCount(UpgradeRequestHeader.Connection) > 0
            || request.GetFieldLineCount(UpgradeRequestHeader.Upgrade) > 0
            || request.GetFieldLineCount(UpgradeRequestHeader.KeepAlive) > 0
            || request.GetFieldLineCount(UpgradeRequestHeader.ProxyConnection) > 0
            || request.GetFieldLineCount(UpgradeRequestHeader.TransferEncoding) > 0)
        {
            return true;
        }

        int te = request.GetFieldLineCount(UpgradeRequestHeader.TE);
        for (int i = 0; i < te; i++)
        {
            if (!HttpTokenGrammar.TrimWhitespace(request.GetFieldLine(UpgradeRequestHeader.TE, i)).Equals("trailers", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
