using System;

namespace HttpUpgrade;

/// <summary>Allocation-free readers for the list fields that drive an upgrade.</summary>
internal static class UpgradeHeaders
{
    /// <summary>
    /// Whether <c>Connection</c> lists the <c>upgrade</c> option, in any case, on any of its field lines (RFC 9110 §7.6.1, §7.8).
    /// </summary>
    public static bool ConnectionHasUpgrade<TRequest>(TRequest request)
        where TRequest : IUpgradeRequest
    {
        foreach (ReadOnlySpan<char> option in new HeaderListEnumerator<TRequest>(request, UpgradeRequestHeader.Connection))
        {
            if (option.Equals("upgrade", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Checks every element of <c>Upgrade</c>: each must be <c>token ["/" token]</c>, and there may be at most
    /// <paramref name="maxOffers"/> of them. Returns the number of offers, 0 when the header is absent or empty.
    /// </summary>
    public static UpgradeListStatus ValidateUpgrade<TRequest>(TRequest request, int maxOffers, out int count)
        where TRequest : IUpgradeRequest
    {
        count = 0;
        foreach (ReadOnlySpan<char> element in new HeaderListEnumerator<TRequest>(request, UpgradeRequestHeader.Upgrade))
        {
            if (!UpgradeOffer.TryParse(element, out _))
            {
                return UpgradeListStatus.Malformed;
            }

            if (++count > maxOffers)
            {
                return UpgradeListStatus.TooMany;
            }
        }

        return UpgradeListStatus.Valid;
    }

    /// <summary>Whether <c>Host</c> has exactly one field line and it is not empty (RFC 9112 §3.2).</summary>
    public static bool HasSingleHost<TRequest>(TRequest request)
        where TRequest : IUpgradeRequest
        => TryGetSingle(request, UpgradeRequestHeader.Host, out ReadOnlySpan<char> host) && !host.IsEmpty;

    /// <summary>The field has exactly one field line; returns it trimmed of OWS.</summary>
    public static bool TryGetSingle<TRequest>(TRequest request, UpgradeRequestHeader header, out ReadOnlySpan<char> value)
        where TRequest : IUpgradeRequest
    {
        if (request.GetFieldLineCount(header) != 1)
        {
            value = default;
            return false;
        }

        value = HttpTokenGrammar.TrimWhitespace(request.GetFieldLine(header, 0));
        return true;
    }
}

/// <summary>The result of checking an <c>Upgrade</c> header.</summary>
internal enum UpgradeListStatus
{
    Valid,
    Malformed,
    TooMany,
}
