using System;

namespace HttpUpgrade;

// Any registered token other than websocket: the plain 101 of RFC 9110 §7.8.
public sealed partial class UpgradeNegotiator
{
    private static UpgradeDecision NegotiateRaw<TRequest>(TRequest request, UpgradeOffer offer, ReadOnlySpan<UpgradeRegistration> candidates, bool extendedConnect)
        where TRequest : IUpgradeRequest
    {
        // The registration does not depend on registry order, which composing several registries leaves to the app: one
        // that lists the offered version wins over one without Versions, which serves any version and is the one written
        // for an offer that names none. An unversioned offer with no such registration goes to the first candidate.
        UpgradeRegistration? listing = null;
        int listedIndex = -1;
        UpgradeRegistration? anyVersion = null;
        foreach (UpgradeRegistration registration in candidates)
        {
            ReadOnlySpan<string> versions = registration.VersionSpan;
            if (versions.IsEmpty)
            {
                anyVersion ??= registration;
            }
            else if (offer.HasVersion && listing is null)
            {
                for (int i = 0; i < versions.Length; i++)
                {
                    if (offer.Version.Equals(versions[i], StringComparison.OrdinalIgnoreCase))
                    {
                        listing = registration;
                        listedIndex = i;
                        break;
                    }
                }
            }
        }

        UpgradeRegistration selected;
        string upgrade;
        string? version = null;
        if (listing is not null)
        {
            selected = listing;
            version = listing.VersionSpan[listedIndex];
            upgrade = listing.GetUpgradeValue(listedIndex);
        }
        else if (anyVersion is not null)
        {
            selected = anyVersion;
            if (offer.HasVersion)
            {
                // A registration without Versions echoes the offered version; the one case that allocates.
                version = offer.Version.ToString();
                upgrade = anyVersion.Name + "/" + version;
            }
            else
            {
                upgrade = anyVersion.Name;
            }
        }
        else if (!offer.HasVersion)
        {
            // An offer without a version accepts whatever version the server speaks; the 101 echoes it as offered.
            selected = candidates[0];
            upgrade = selected.Name;
        }
        else
        {
            return UpgradeDecision.Ignore(UpgradeReason.UnsupportedProtocolVersion);
        }

        // A CONNECT stream's content is the tunnel itself (RFC 9113 §8.5), so only an HTTP/1.1 upgrade is checked for it.
        if (!extendedConnect && HasContent(request))
        {
            return UpgradeDecision.Reject(UpgradeReason.RequestHasContent);
        }

        // RFC 9110 §10.1.1: see NegotiateWebSocket; an upgrade has no content for a 100 Continue to invite.
        if (UpgradeHeaders.HasUnmetExpectation(request))
        {
            return UpgradeDecision.Reject(UpgradeReason.ExpectationFailed);
        }

        return extendedConnect
            ? UpgradeDecision.AcceptExtendedConnect(selected, version, null, default)
            : UpgradeDecision.AcceptRaw(selected, upgrade, version);
    }

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
