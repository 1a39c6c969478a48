// Over 300 lines: every string rule of a registration stays in this one file, the one source the runtime links too.
// The one definition of what an [UpgradeProtocol] registration must be, free of Roslyn types. This file is linked into
// the runtime, the generator and the analyzers: a registration the analyzers pass is one the generator emits, one they
// report as an error is one the generator skips, and claims collide at compile time exactly when they collide at startup.
// Token rules come from HttpTokenGrammar, which the runtime shares.
using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;

namespace HttpUpgrade;

/// <summary>
/// The string rules for <c>[UpgradeProtocol]</c> registrations: the list syntax of <c>Versions</c>/<c>SubProtocols</c>,
/// the names that mean HTTP/2 or HTTP/3 (UPG006), and which registrations repeat a claim of an earlier one (UPG003 within
/// a class, UPG011 and the negotiator's startup check on an endpoint).
/// </summary>
internal static class RegistrationRules
{
    public const string WebSocketName = "websocket";
    public const string WebSocketVersion = "13";
    public const string H2cName = "h2c";

    // What a registration without Versions or SubProtocols claims: a token is never empty, so no listed value equals it.
    private static readonly string[] s_unlisted = { string.Empty };

    // A websocket registration without Versions speaks version 13 (RFC 6455 §4.1 item 9), and claims it.
    private static readonly string[] s_webSocketDefault = { WebSocketVersion };

    /// <summary>
    /// Splits a comma-separated attribute list and trims each element of OWS; null or empty is the empty list, and every
    /// other input keeps its empty elements so they can be reported.
    /// </summary>
    public static ImmutableArray<string> SplitList(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return ImmutableArray<string>.Empty;
        }

        string[] parts = value!.Split(',');
        ImmutableArray<string>.Builder builder = ImmutableArray.CreateBuilder<string>(parts.Length);
        foreach (string part in parts)
        {
            // Most elements have nothing to trim: keep the string Split made rather than copy it.
            ReadOnlySpan<char> trimmed = HttpTokenGrammar.TrimWhitespace(part.AsSpan());
            builder.Add(trimmed.Length == part.Length ? part : trimmed.ToString());
        }

        return builder.MoveToImmutable();
    }

    /// <summary>
    /// Explains why element <paramref name="index"/> of a list is not a valid member, or null when it is: it must be a
    /// token and must not repeat an earlier element (compared case-insensitively), which is what <c>UpgradeRegistration</c>
    /// checks at run time.
    /// </summary>
    public static string? DescribeInvalidElement(ImmutableArray<string> elements, int index)
    {
        string element = elements[index];
        if (element.Length == 0)
        {
            return elements.Length == 1
                ? "it is blank; name at least one token or leave it unset"
                : "element " + (index + 1).ToString(CultureInfo.InvariantCulture) + " is empty; remove the extra comma";
        }

        string? problem = HttpTokenGrammar.DescribeInvalidToken(element);
        if (problem is not null)
        {
            return "'" + element + "' is not a token: " + problem;
        }

        for (int i = 0; i < index; i++)
        {
            if (string.Equals(elements[i], element, StringComparison.OrdinalIgnoreCase))
            {
                return "'" + element + "' is listed twice; remove the repeat";
            }
        }

        return null;
    }

    /// <summary>Whether every element of the list is a token listed once.</summary>
    public static bool IsValidList(ImmutableArray<string> elements)
    {
        for (int i = 0; i < elements.Length; i++)
        {
            if (DescribeInvalidElement(elements, i) is not null)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether a registration can be registered at all: its name is a token that does not mean HTTP/2 or HTTP/3, and every
    /// version and subprotocol is a token listed once. Anything else is an error (UPG001, UPG002, UPG006, UPG010), and
    /// the generator skips the registration.
    /// </summary>
    public static bool IsRegistrable(string? name, ImmutableArray<string> versions, ImmutableArray<string> subProtocols) =>
        HttpTokenGrammar.IsToken(name) &&
        IsValidList(versions) &&
        IsValidList(subProtocols) &&
        !NamesHttp2OrHttp3(name!, versions);

    public static bool IsWebSocket(string name) => string.Equals(name, WebSocketName, StringComparison.OrdinalIgnoreCase);

    public static bool IsH2c(string name) => string.Equals(name, H2cName, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Whether the registration names HTTP/2 or HTTP/3 (UPG006): by its name alone (<see cref="Http2OrHttp3FromName"/>),
    /// or as <c>HTTP</c> with a version that is 2 or 3 (<see cref="Http2OrHttp3FromVersion"/>).
    /// </summary>
    public static bool NamesHttp2OrHttp3(string name, ImmutableArray<string> versions)
    {
        if (Http2OrHttp3FromName(name) is not null)
        {
            return true;
        }

        if (IsHttp(name))
        {
            foreach (string version in versions)
            {
                if (Http2OrHttp3FromVersion(version) is not null)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// The HTTP major version ("2" or "3") that <paramref name="name"/> alone stands for: the ALPN identifiers
    /// <c>h2</c> and <c>h3</c> and their draft forms (<c>h2-14</c>), or <c>HTTP/2</c>, <c>HTTP/3.0</c>; null otherwise.
    /// </summary>
    public static string? Http2OrHttp3FromName(string name)
    {
        if (name.Length >= 2 && (name[0] == 'h' || name[0] == 'H') && (name[1] == '2' || name[1] == '3'))
        {
            if (name.Length == 2 || (name[2] == '-' && name.Length > 3 && AllDigits(name, 3)))
            {
                return name[1].ToString();
            }

            return null;
        }

        const string HttpSlash = "HTTP/";
        if (name.StartsWith(HttpSlash, StringComparison.OrdinalIgnoreCase))
        {
            return Http2OrHttp3FromVersion(name.Substring(HttpSlash.Length));
        }

        return null;
    }

    /// <summary>The HTTP major version ("2" or "3") that a version of the protocol <c>HTTP</c> names; null otherwise.</summary>
    public static string? Http2OrHttp3FromVersion(string version) => version switch
    {
        "2" or "2.0" => "2",
        "3" or "3.0" => "3",
        _ => null,
    };

    public static bool IsHttp(string name) => string.Equals(name, "HTTP", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Which of <paramref name="claimants"/> repeat a claim of an earlier one: the registrations of one class in source
    /// order (UPG003), or those one endpoint serves (UPG011 at compile time, the negotiator at startup). At compile time
    /// they are the registrations that would be registered (<see cref="IsRegistrable"/>, on a class generated code can
    /// construct), in source order: by file path compared ordinally, then by position in the file. Each claims every (name, version, subprotocol) it answers: no
    /// versions claims "any version", which no listed version equals (but a websocket registration without versions
    /// claims 13, the one version it speaks), and no subprotocols claims "no subprotocol". A
    /// registration is a duplicate when one of its claims was made by an earlier one; the first registration of a claim
    /// is never a duplicate, and a duplicate's other claims still count as made. Returns, per claimant, what it repeats,
    /// or null when it claims only what no earlier one does.
    /// </summary>
    public static DuplicateClaim?[] FindDuplicates<TOwner>(IReadOnlyList<Claimant<TOwner>> claimants, IEqualityComparer<TOwner> ownerComparer)
    {
        var duplicates = new DuplicateClaim?[claimants.Count];

        var firstClaimants = new Dictionary<(string Name, string Version, string SubProtocol), int>(ClaimComparer.Instance);
        for (int i = 0; i < claimants.Count; i++)
        {
            Claimant<TOwner> claimant = claimants[i];
            int first = -1;
            string? firstClaim = null;
            bool repeatsOnlyItsOwner = true;
            IReadOnlyList<string> versions = claimant.Versions.Count > 0 ? claimant.Versions
                : IsWebSocket(claimant.Name) ? s_webSocketDefault
                : s_unlisted;
            IReadOnlyList<string> subProtocols = claimant.SubProtocols.Count == 0 ? s_unlisted : claimant.SubProtocols;
            for (int v = 0; v < versions.Count; v++)
            {
                for (int p = 0; p < subProtocols.Count; p++)
                {
                    string version = versions[v];
                    string subProtocol = subProtocols[p];
                    (string, string, string) claim = (claimant.Name, version, subProtocol);
                    if (firstClaimants.TryGetValue(claim, out int earlier))
                    {
                        if (first < 0)
                        {
                            first = earlier;
                            firstClaim = DescribeClaim(claimant.Name, version, subProtocol);
                        }

                        repeatsOnlyItsOwner &= ownerComparer.Equals(claimants[earlier].Owner, claimant.Owner);
                    }
                    else
                    {
                        repeatsOnlyItsOwner = false;
                        firstClaimants.Add(claim, i);
                    }
                }
            }

            if (first >= 0)
            {
                duplicates[i] = new DuplicateClaim(first, firstClaim!, repeatsOnlyItsOwner);
            }
        }

        return duplicates;
    }

    // "echo", "echo/1", "websocket/13 with subprotocol chat": an empty version or subprotocol is the unlisted one.
    private static string DescribeClaim(string name, string version, string subProtocol)
    {
        string claim = version.Length == 0 ? name : name + "/" + version;
        return subProtocol.Length == 0 ? claim : claim + " with subprotocol " + subProtocol;
    }

    // Names, versions and subprotocols compare case-insensitively (RFC 9110 §7.8); tokens are ASCII, so ordinal case
    // folding is exact and culture-free.
    private sealed class ClaimComparer : IEqualityComparer<(string Name, string Version, string SubProtocol)>
    {
        public static readonly ClaimComparer Instance = new();

        public bool Equals((string Name, string Version, string SubProtocol) x, (string Name, string Version, string SubProtocol) y) =>
            StringComparer.OrdinalIgnoreCase.Equals(x.Name, y.Name) &&
            StringComparer.OrdinalIgnoreCase.Equals(x.Version, y.Version) &&
            StringComparer.OrdinalIgnoreCase.Equals(x.SubProtocol, y.SubProtocol);

        public int GetHashCode((string Name, string Version, string SubProtocol) claim)
        {
            int hash = StringComparer.OrdinalIgnoreCase.GetHashCode(claim.Name);
            hash = unchecked((hash * 31) + StringComparer.OrdinalIgnoreCase.GetHashCode(claim.Version));
            return unchecked((hash * 31) + StringComparer.OrdinalIgnoreCase.GetHashCode(claim.SubProtocol));
        }
    }

    private static bool AllDigits(string value, int start)
    {
        for (int i = start; i < value.Length; i++)
        {
            if (value[i] < '0' || value[i] > '9')
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>A registration as the duplicate check reads it: the class that declares it and what it claims.</summary>
/// <typeparam name="TOwner">What identifies the declaring class: a symbol in the analyzers and the generator, a <c>Type</c> in the runtime.</typeparam>
internal readonly struct Claimant<TOwner>
{
    public Claimant(TOwner owner, string name, IReadOnlyList<string> versions, IReadOnlyList<string> subProtocols)
    {
        Owner = owner;
        Name = name;
        Versions = versions;
        SubProtocols = subProtocols;
    }

    public TOwner Owner { get; }

    public string Name { get; }

    public IReadOnlyList<string> Versions { get; }

    public IReadOnlyList<string> SubProtocols { get; }
}

/// <summary>A registration that repeats a claim an earlier registration makes (UPG003, UPG011).</summary>
internal sealed class DuplicateClaim
{
    public DuplicateClaim(int firstIndex, string claim, bool repeatsOnlyItsOwner)
    {
        FirstIndex = firstIndex;
        Claim = claim;
        RepeatsOnlyItsOwner = repeatsOnlyItsOwner;
    }

    /// <summary>The index of the earlier registration that first made <see cref="Claim"/>.</summary>
    public int FirstIndex { get; }

    /// <summary>The first repeated claim, as the duplicate spells it: <c>echo/1 with subprotocol chat</c>.</summary>
    public string Claim { get; }

    /// <summary>Whether every claim of the duplicate is already made by its own class, so removing it changes nothing else.</summary>
    public bool RepeatsOnlyItsOwner { get; }
}
