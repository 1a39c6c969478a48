using System;
using System.Collections.Immutable;

namespace HttpUpgrade.Analyzers;

/// <summary>
/// The string rules for one <c>[UpgradeProtocol]</c> registration, free of Roslyn types: the list syntax of
/// <c>Versions</c>/<c>SubProtocols</c> and the names that mean HTTP/2 or HTTP/3. Token rules come from <see cref="HttpTokenGrammar"/>.
/// </summary>
internal static class RegistrationRules
{
    public const string WebSocketName = "websocket";
    public const string WebSocketVersion = "13";
    public const string H2cName = "h2c";

    /// <summary>
    /// Splits a comma-separated attribute list and trims each element of OWS, as the generator does; null or empty is
    /// the empty list, and every other input keeps its empty elements so they can be reported.
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
            builder.Add(HttpTokenGrammar.TrimWhitespace(part.AsSpan()).ToString());
        }

        return builder.MoveToImmutable();
    }

    /// <summary>
    /// Explains why element <paramref name="index"/> of a list is not a valid member, or null when it is: it must be a
    /// token and must not repeat an earlier element (compared case-insensitively).
    /// </summary>
    public static string? DescribeInvalidElement(ImmutableArray<string> elements, int index)
    {
        string element = elements[index];
        if (element.Length == 0)
        {
            return elements.Length == 1
                ? "it is blank; name at least one token or leave it unset"
                : "element " + (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) + " is empty; remove the extra comma";
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

    public static bool IsWebSocket(string name) => string.Equals(name, WebSocketName, StringComparison.OrdinalIgnoreCase);

    public static bool IsH2c(string name) => string.Equals(name, H2cName, StringComparison.OrdinalIgnoreCase);

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
