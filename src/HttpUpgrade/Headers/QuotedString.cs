using System;

namespace HttpUpgrade;

/// <summary>
/// RFC 9110 §5.6.4: <c>quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE</c>, with
/// <c>quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )</c>. The one reader of it: list splitting skips over quoted-strings
/// with <see cref="End"/>, and value readers take their content with <see cref="TryUnescape"/>.
/// </summary>
internal static class QuotedString
{
    /// <summary>
    /// The index just past the closing quote of the quoted-string whose opening quote is at <paramref name="start"/>, or
    /// -1 when it is not closed within <paramref name="value"/>.
    /// </summary>
    public static int End(ReadOnlySpan<char> value, int start)
    {
        for (int i = start + 1; i < value.Length; i++)
        {
            char c = value[i];
            if (c == '"')
            {
                return i + 1;
            }

            if (c == '\\')
            {
                i++;
            }
        }

        return -1;
    }

    /// <summary>
    /// Copies the content of the quoted-string at <paramref name="start"/> into <paramref name="destination"/> with its
    /// quoted-pairs unescaped, and moves <paramref name="start"/> past its closing quote.
    /// </summary>
    /// <returns>False when it is not closed, or its content does not fit <paramref name="destination"/>.</returns>
    public static bool TryUnescape(ReadOnlySpan<char> value, ref int start, Span<char> destination, out int length)
    {
        length = 0;
        int end = End(value, start);
        if (end < 0)
        {
            return false;
        }

        for (int i = start + 1; i < end - 1; i++)
        {
            if (length == destination.Length)
            {
                return false;
            }

            // A quoted-pair stands for the character after the backslash.
            destination[length++] = value[i] == '\\' ? value[++i] : value[i];
        }

        start = end;
        return true;
    }
}
