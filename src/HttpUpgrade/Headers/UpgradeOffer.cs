using System;

namespace HttpUpgrade;

/// <summary>One element of an <c>Upgrade</c> header: <c>protocol-name ["/" protocol-version]</c> (RFC 9110 §7.8).</summary>
public readonly ref struct UpgradeOffer
{
    /// <summary>Creates an offer from its parts.</summary>
    public UpgradeOffer(ReadOnlySpan<char> name, ReadOnlySpan<char> version)
    {
        Name = name;
        Version = version;
    }

    /// <summary>The protocol name.</summary>
    public ReadOnlySpan<char> Name { get; }

    /// <summary>The protocol version; empty when the offer has none.</summary>
    public ReadOnlySpan<char> Version { get; }

    /// <summary>Whether the offer carries a version.</summary>
    public bool HasVersion => !Version.IsEmpty;

    /// <summary>
    /// Parses one list element. Both parts must be RFC 9110 tokens; a '/' must be followed by a version.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> element, out UpgradeOffer offer)
    {
        int slash = element.IndexOf('/');
        ReadOnlySpan<char> name = slash < 0 ? element : element.Slice(0, slash);
        ReadOnlySpan<char> version = slash < 0 ? default : element.Slice(slash + 1);
        if (!HttpTokenGrammar.IsToken(name) || (slash >= 0 && !HttpTokenGrammar.IsToken(version)))
        {
            offer = default;
            return false;
        }

        offer = new UpgradeOffer(name, version);
        return true;
    }
}
