using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text;

namespace HttpUpgrade.Fuzzing;

/// <summary>
/// Independent, deliberately naive implementations of the rules the library implements with spans: the oracles the
/// harnesses and the property tests compare the library against. They share no code with src/HttpUpgrade.
/// </summary>
public static class Reference
{
    private const string TokenSymbols = "!#$%&'*+-.^_`|~";

    /// <summary>RFC 9110 §5.6.2: token = 1*tchar.</summary>
    public static bool IsToken(string value)
    {
        if (value.Length == 0)
        {
            return false;
        }

        foreach (char c in value)
        {
            if (!(c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' || TokenSymbols.Contains(c)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>RFC 9110 §5.6.3: OWS is SP and HTAB only.</summary>
    public static string TrimOws(string value) => value.Trim(' ', '\t');

    /// <summary>
    /// RFC 9110 §5.6.1: the elements of a token list over every field line, trimmed, empty ones dropped. Quotes are
    /// ordinary characters here (<c>Connection</c>, <c>Upgrade</c>, <c>Sec-WebSocket-Protocol</c>).
    /// </summary>
    public static List<string> Elements(IEnumerable<string> lines)
    {
        var elements = new List<string>();
        foreach (string line in lines)
        {
            foreach (string part in line.Split(','))
            {
                string element = TrimOws(part);
                if (element.Length > 0)
                {
                    elements.Add(element);
                }
            }
        }

        return elements;
    }

    /// <summary>
    /// The elements of a list whose elements may hold quoted-strings (RFC 9110 §5.6.4, <c>Sec-WebSocket-Extensions</c>):
    /// a comma inside one does not split. A quoted-string left open takes the rest of its field line into its element.
    /// </summary>
    public static List<string> QuotedElements(IEnumerable<string> lines)
    {
        var elements = new List<string>();
        foreach (string line in lines)
        {
            var current = new StringBuilder();
            bool quoted = false;
            for (int i = 0; i < line.Length; i++)
            {
                char c = line[i];
                if (quoted)
                {
                    current.Append(c);
                    if (c == '\\' && i + 1 < line.Length)
                    {
                        current.Append(line[++i]);
                    }
                    else if (c == '"')
                    {
                        quoted = false;
                    }
                }
                else if (c == ',')
                {
                    Add(elements, current);
                }
                else if (c == '"' && !HasClosingQuote(line, i))
                {
                    // The rest of the line is this element, commas included.
                    current.Append(line, i, line.Length - i);
                    break;
                }
                else
                {
                    current.Append(c);
                    quoted = c == '"';
                }
            }

            Add(elements, current);
        }

        return elements;

        static void Add(List<string> elements, StringBuilder current)
        {
            string element = TrimOws(current.ToString());
            if (element.Length > 0)
            {
                elements.Add(element);
            }

            current.Clear();
        }
    }

    /// <summary>Whether the quoted-string opened at <paramref name="open"/> is closed on its line.</summary>
    private static bool HasClosingQuote(string line, int open)
    {
        for (int i = open + 1; i < line.Length; i++)
        {
            if (line[i] == '\\')
            {
                i++;
            }
            else if (line[i] == '"')
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>RFC 9110 §7.8: protocol = protocol-name ["/" protocol-version], both tokens.</summary>
    public static bool IsUpgradeOffer(string element, out string name, out string? version)
    {
        int slash = element.IndexOf('/', StringComparison.Ordinal);
        name = slash < 0 ? element : element[..slash];
        version = slash < 0 ? null : element[(slash + 1)..];
        return IsToken(name) && (version is null || IsToken(version));
    }

    /// <summary>RFC 6455 §4.1: a key is 16 bytes, base64-encoded: exactly 24 characters, no whitespace.</summary>
    public static bool IsWebSocketKey(string key)
    {
        if (key.Length != 24 || key.AsSpan().IndexOfAny(" \t\r\n") >= 0)
        {
            return false;
        }

        try
        {
            return Convert.FromBase64String(key).Length == 16;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>RFC 6455 §4.2.2 item 5.4: base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")).</summary>
    public static string WebSocketAccept(string key)
        => Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));

    /// <summary>
    /// RFC 7540 §3.2.1: HTTP2-Settings is base64url (RFC 4648 §5) without padding. Trailing '=' up to a multiple of four is
    /// tolerated, as the library does; the unused bits of the last character must be zero (RFC 4648 §3.5): the canonical
    /// encoding of the decoded bytes must be the input again.
    /// </summary>
    public static byte[]? DecodeBase64Url(string value)
    {
        string text = TrimOws(value);
        if (text.Length % 4 == 0)
        {
            text = text.EndsWith("==", StringComparison.Ordinal) ? text[..^2] : text.EndsWith('=') ? text[..^1] : text;
        }

        foreach (char c in text)
        {
            if (!(c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '-' or '_'))
            {
                return null;
            }
        }

        if (text.Length % 4 == 1)
        {
            return null;
        }

        string padded = text.Replace('-', '+').Replace('_', '/') + new string('=', (4 - (text.Length % 4)) % 4);
        byte[] bytes = Convert.FromBase64String(padded);
        string canonical = Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return canonical == text ? bytes : null;
    }

    /// <summary>
    /// RFC 9113 §6.5.2 and RFC 8441 §3: whole six-byte settings; ENABLE_PUSH and ENABLE_CONNECT_PROTOCOL 0 or 1,
    /// INITIAL_WINDOW_SIZE at most 2^31-1, MAX_FRAME_SIZE from 2^14 to 2^24-1; other identifiers are ignored.
    /// </summary>
    public static bool IsSettingsPayload(byte[] payload)
    {
        if (payload.Length % 6 != 0)
        {
            return false;
        }

        for (int i = 0; i < payload.Length; i += 6)
        {
            int id = (payload[i] << 8) | payload[i + 1];
            uint value = ((uint)payload[i + 2] << 24) | ((uint)payload[i + 3] << 16) | ((uint)payload[i + 4] << 8) | payload[i + 5];
            bool valid = id switch
            {
                2 or 8 => value <= 1,
                4 => value <= 0x7FFF_FFFF,
                5 => value is >= 0x4000 and <= 0xFF_FFFF,
                _ => true,
            };

            if (!valid)
            {
                return false;
            }
        }

        return true;
    }
}
