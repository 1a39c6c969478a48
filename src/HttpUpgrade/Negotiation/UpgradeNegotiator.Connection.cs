using System;

namespace HttpUpgrade;

// TLS (RFC 2817) and h2c (RFC 7540 §3.2): protocols the host serves with its own HTTP engine. Every fault is "not an
// upgrade here" (Ignore): the request is then served as it is, over the connection it came on.
public sealed partial class UpgradeNegotiator
{
    private static UpgradeDecision NegotiateTls<TRequest>(TRequest request, UpgradeOffer offer, UpgradeRegistration registration)
        where TRequest : IUpgradeRequest
    {
        // RFC 2817 §3.2: "Upgrade: TLS/1.0"; a version names the client's wish, and the TLS handshake settles what is used.
        int versionIndex = -1;
        if (offer.HasVersion)
        {
            ReadOnlySpan<string> versions = registration.VersionSpan;
            for (int i = 0; i < versions.Length && versionIndex < 0; i++)
            {
                if (offer.Version.Equals(versions[i], StringComparison.OrdinalIgnoreCase))
                {
                    versionIndex = i;
                }
            }

            if (versionIndex < 0)
            {
                return UpgradeDecision.Ignore(UpgradeReason.UnsupportedProtocolVersion);
            }
        }

        if (IsSecure(request))
        {
            return UpgradeDecision.Ignore(UpgradeReason.AlreadySecure);
        }

        // Content would travel in clear ahead of the TLS handshake, and an expectation would be answered in clear too.
        if (HasContent(request))
        {
            return UpgradeDecision.Ignore(UpgradeReason.RequestHasContent);
        }

        if (UpgradeHeaders.HasUnmetExpectation(request))
        {
            return UpgradeDecision.Ignore(UpgradeReason.ExpectationFailed);
        }

        var connection = (ConnectionUpgradeRegistration)registration;
        return UpgradeDecision.AcceptRaw(
            registration,
            connection.GetLayeredUpgradeValue(versionIndex),
            versionIndex < 0 ? null : registration.VersionSpan[versionIndex]);
    }

    private static UpgradeDecision NegotiateH2c<TRequest>(TRequest request, UpgradeOffer offer, UpgradeRegistration registration)
        where TRequest : IUpgradeRequest
    {
        // "h2c" is the whole token (RFC 7540 §3.2); "h2c/2" names nothing.
        if (offer.HasVersion)
        {
            return UpgradeDecision.Ignore(UpgradeReason.UnsupportedProtocolVersion);
        }

        // RFC 7540 §3.3: HTTP/2 over TLS is negotiated with ALPN, never with Upgrade.
        if (IsSecure(request))
        {
            return UpgradeDecision.Ignore(UpgradeReason.AlreadySecure);
        }

        // RFC 7540 §3.2.1: exactly one HTTP2-Settings. The client must also name it as a connection option, but that is a
        // rule for proxies (the field is hop-by-hop), and Kestrel does not keep it: it presents "Connection: Upgrade,
        // HTTP2-Settings" as "Upgrade" (seen on 10.0.12), so an origin server cannot check it.
        if (request.GetFieldLineCount(UpgradeRequestHeader.Http2Settings) != 1
            || !Http2Settings.IsValid(request.GetFieldLine(UpgradeRequestHeader.Http2Settings, 0)))
        {
            return UpgradeDecision.Ignore(UpgradeReason.InvalidHttp2Settings);
        }

        // RFC 7540 §3.2 lets a server read content before switching; refusing it keeps every byte of the new protocol
        // where the client put it, and is what the request smuggling guidance asks (docs/connection-upgrades.md).
        if (HasContent(request))
        {
            return UpgradeDecision.Ignore(UpgradeReason.RequestHasContent);
        }

        if (UpgradeHeaders.HasUnmetExpectation(request))
        {
            return UpgradeDecision.Ignore(UpgradeReason.ExpectationFailed);
        }

        return UpgradeDecision.AcceptRaw(registration, registration.Name, null);
    }

    private static bool IsSecure<TRequest>(TRequest request)
        where TRequest : IUpgradeRequest
        => request.GetFieldLineCount(UpgradeRequestHeader.Scheme) == 1
            && HttpTokenGrammar.TrimWhitespace(request.GetFieldLine(UpgradeRequestHeader.Scheme, 0)).Equals("https", StringComparison.OrdinalIgnoreCase);
}
