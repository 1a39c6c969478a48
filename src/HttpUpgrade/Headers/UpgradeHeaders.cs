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
        var elements = new HeaderListEnumerator<TRequest>(request, UpgradeRequestHeader.Upgrade);
        while (elements.MoveNext())
        {
            if (!UpgradeOffer.TryParse(elements.Current, out _))
            {
                return UpgradeListStatus.Malformed;
            }

            if (++count > maxOffers)
            {
                return UpgradeListStatus.TooMany;
            }
        }

        // RFC 9110 §5.6.1: a recipient tolerates "a reasonable number of empty list elements"; as many as offers are read
        // is reasonable, a thousand is not, and reading on would let padding push an offer past every limit.
        return elements.EmptyElements > maxOffers ? UpgradeListStatus.TooMany : UpgradeListStatus.Valid;
    }

    /// <summary>
    /// Whether the request's <c>Expect</c> asks for something an upgrade cannot meet: anything but <c>100-continue</c>,
    /// which a request without content trivially meets (RFC 9110 §10.1.1), and which Kestrel never answers with an
    /// interim 100 unless the request's content is read.
    /// </summary>
    public static bool HasUnmetExpectation<TRequest>(TRequest request)
        where TRequest : IUpgradeRequest
    {
        var expectations = new HeaderListEnumerator<TRequest>(request, UpgradeRequestHeader.Expect);
        while (expectations.MoveNext())
        {
            if (!expectations.Current.Equals("100-continue", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
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
