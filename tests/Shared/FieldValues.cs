using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace HttpUpgrade.Testing;

/// <summary>
/// Field values read the way the RFCs define them, so that a test compares what an RFC fixes and not how a server
/// happens to spell it.
/// </summary>
internal static class FieldValues
{
    /// <summary>
    /// The elements of a list-valued field (RFC 9110 §5.6.1): split at commas outside quoted-strings (§5.6.4), optional
    /// whitespace trimmed, empty elements skipped. Null (no field) is an empty list.
    /// </summary>
    public static IReadOnlyList<string> Elements(string? value)
    {
        var elements = new List<string>();
        if (value is null)
        {
            return elements;
        }

        foreach (string element in SplitOutsideQuotes(value, ','))
        {
            if (element.Length > 0)
            {
                elements.Add(element);
            }
        }

        return elements;
    }

    /// <summary>
    /// The elements of a list whose order no RFC fixes (for example the versions of a 426's <c>Sec-WebSocket-Version</c>,
    /// RFC 6455 §4.4), in ordinal order, repeats kept: two values are the same set exactly when these are equal.
    /// </summary>
    public static string[] AsSet(string? value) => Elements(value).Order(StringComparer.Ordinal).ToArray();

    /// <summary>Splits at <paramref name="separator"/> outside quoted-strings, trimming OWS (SP and HTAB) from each part.</summary>
    internal static IEnumerable<string> SplitOutsideQuotes(string value, char separator)
    {
        int start = 0;
        bool quoted = false;
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (quoted && c == '\\')
            {
                i++;
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && c == separator)
            {
                yield return value[start..i].Trim(' ', '\t');
                start = i + 1;
            }
        }

        yield return value[start..].Trim(' ', '\t');
    }
}

/// <summary>
/// A <c>Sec-WebSocket-Extensions</c> value (RFC 6455 §9.1): the extensions in order, since their order is the order in
/// which they apply, each a name and a set of parameters. A parameter is a name and an optional value: names compare
/// case-insensitively, a quoted value is the same as its unquoted form, and the order of the parameters carries no
/// meaning (RFC 7692 §7 defines each one by its name alone). No field and an empty value are both "no extensions".
/// </summary>
internal sealed class ExtensionList : IEquatable<ExtensionList>
{
    private readonly IReadOnlyList<Extension> _extensions;

    private ExtensionList(IReadOnlyList<Extension> extensions) => _extensions = extensions;

    /// <summary>One extension: its token, and its parameters by name (case-insensitive); a valueless parameter maps to null.</summary>
    public sealed record Extension(string Name, IReadOnlyDictionary<string, string?> Parameters);

    public IReadOnlyList<Extension> Extensions => _extensions;

    /// <summary>Parses a field value; throws <see cref="FormatException"/> where it breaks the RFC 6455 §9.1 grammar.</summary>
    public static ExtensionList Parse(string? value)
    {
        var extensions = new List<Extension>();
        foreach (string element in FieldValues.Elements(value))
        {
            using IEnumerator<string> parts = FieldValues.SplitOutsideQuotes(element, ';').GetEnumerator();
            parts.MoveNext();
            string name = RequireToken(parts.Current, element);
            var parameters = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            while (parts.MoveNext())
            {
                string parameter = parts.Current;
                int equals = parameter.IndexOf('=', StringComparison.Ordinal);
                string parameterName = RequireToken(equals < 0 ? parameter : parameter[..equals].TrimEnd(' ', '\t'), element);
                string? parameterValue = equals < 0 ? null : Unquote(parameter[(equals + 1)..].TrimStart(' ', '\t'), element);

                // RFC 7692 §7: a client fails the connection when a response names a parameter twice.
                if (!parameters.TryAdd(parameterName, parameterValue))
                {
                    throw new FormatException($"'{element}' names the parameter '{parameterName}' more than once.");
                }
            }

            extensions.Add(new Extension(name, parameters));
        }

        return new ExtensionList(extensions);
    }

    public bool Equals(ExtensionList? other)
    {
        if (other is null || other._extensions.Count != _extensions.Count)
        {
            return false;
        }

        for (int i = 0; i < _extensions.Count; i++)
        {
            Extension mine = _extensions[i];
            Extension theirs = other._extensions[i];
            if (!string.Equals(mine.Name, theirs.Name, StringComparison.Ordinal) || mine.Parameters.Count != theirs.Parameters.Count)
            {
                return false;
            }

            foreach ((string name, string? value) in mine.Parameters)
            {
                if (!theirs.Parameters.TryGetValue(name, out string? theirValue) || !string.Equals(value, theirValue, StringComparison.Ordinal))
                {
                    return false;
                }
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as ExtensionList);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (Extension extension in _extensions)
        {
            hash.Add(extension.Name, StringComparer.Ordinal);
            hash.Add(extension.Parameters.Count);
        }

        return hash.ToHashCode();
    }

    /// <summary>A canonical spelling (parameters in ordinal order of their lower-cased names), for failure messages.</summary>
    public override string ToString()
    {
        if (_extensions.Count == 0)
        {
            return "(no extensions)";
        }

        var text = new StringBuilder();
        foreach (Extension extension in _extensions)
        {
            text.Append(text.Length == 0 ? "" : ", ").Append(extension.Name);
            foreach ((string name, string? value) in extension.Parameters.OrderBy(p => p.Key.ToLowerInvariant(), StringComparer.Ordinal))
            {
                text.Append("; ").Append(name.ToLowerInvariant());
                if (value is not null)
                {
                    text.Append('=').Append(value);
                }
            }
        }

        return text.ToString();
    }

    private static string RequireToken(string candidate, string element)
    {
        // RFC 9110 §5.6.2: tchar is any VCHAR except the delimiters.
        const string Delimiters = "\"(),/:;<=>?@[\\]{}";
        if (candidate.Length == 0 || candidate.Any(c => c <= ' ' || c >= '\x7F' || Delimiters.Contains(c, StringComparison.Ordinal)))
        {
            throw new FormatException($"'{candidate}' in '{element}' is not a token.");
        }

        return candidate;
    }

    private static string Unquote(string value, string element)
    {
        if (!value.StartsWith('"'))
        {
            return RequireToken(value, element);
        }

        // RFC 9110 §5.6.4: a quoted-string, in which a backslash quotes the next character.
        var unquoted = new StringBuilder();
        for (int i = 1; i < value.Length; i++)
        {
            char c = value[i];
            if (c == '"')
            {
                return i == value.Length - 1 ? unquoted.ToString() : throw new FormatException($"'{value}' in '{element}' has text after its closing quote.");
            }

            unquoted.Append(c == '\\' && i + 1 < value.Length ? value[++i] : c);
        }

        throw new FormatException($"'{value}' in '{element}' has no closing quote.");
    }
}
