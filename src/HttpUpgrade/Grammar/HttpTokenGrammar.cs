// The one definition of the RFC 9110 token grammar. This file is compiled into the runtime and linked into the
// generator and the analyzers, so a token that compiles is exactly a token the runtime accepts.
using System;

namespace HttpUpgrade
{
    /// <summary>RFC 9110 §5.6.2 <c>token</c> and §5.6.3 whitespace rules.</summary>
    internal static class HttpTokenGrammar
    {
        // RFC 9110 §5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
        // Bit i of the 128-bit mask is set when (char)i is a tchar.
        private const ulong LowMask =
            (1UL << '!') | (1UL << '#') | (1UL << '$') | (1UL << '%') | (1UL << '&') | (1UL << '\'') |
            (1UL << '*') | (1UL << '+') | (1UL << '-') | (1UL << '.') |
            (1UL << '0') | (1UL << '1') | (1UL << '2') | (1UL << '3') | (1UL << '4') |
            (1UL << '5') | (1UL << '6') | (1UL << '7') | (1UL << '8') | (1UL << '9');

        private const ulong HighMask =
            0x07FFFFFEUL |                 // 'A'..'Z' are 65..90 -> bits 1..26 of the high word
            (0x07FFFFFEUL << 32) |        // 'a'..'z' are 97..122 -> bits 33..58 of the high word
            (1UL << ('^' - 64)) | (1UL << ('_' - 64)) | (1UL << ('`' - 64)) | (1UL << ('|' - 64)) | (1UL << ('~' - 64));

        /// <summary>Whether <paramref name="c"/> is an RFC 9110 <c>tchar</c>.</summary>
        public static bool IsTokenChar(char c)
        {
            if (c < 64)
            {
                return ((LowMask >> c) & 1) != 0;
            }

            if (c < 128)
            {
                return ((HighMask >> (c - 64)) & 1) != 0;
            }

            return false;
        }

        /// <summary>Whether <paramref name="value"/> is a non-empty RFC 9110 token.</summary>
        public static bool IsToken(ReadOnlySpan<char> value) => !value.IsEmpty && IndexOfInvalidTokenChar(value) < 0;

        /// <summary>Whether <paramref name="value"/> is a non-empty RFC 9110 token.</summary>
        public static bool IsToken(string? value) => value is not null && IsToken(value.AsSpan());

        /// <summary>The index of the first character that is not a <c>tchar</c>, or -1 when every character is one.</summary>
        public static int IndexOfInvalidTokenChar(ReadOnlySpan<char> value)
        {
            for (int i = 0; i < value.Length; i++)
            {
                if (!IsTokenChar(value[i]))
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>RFC 9110 §5.6.3: OWS = *( SP / HTAB ).</summary>
        public static bool IsWhitespace(char c) => c == ' ' || c == '\t';

        /// <summary>Removes leading and trailing OWS.</summary>
        public static ReadOnlySpan<char> TrimWhitespace(ReadOnlySpan<char> value)
        {
            int start = 0;
            int end = value.Length;
            while (start < end && IsWhitespace(value[start]))
            {
                start++;
            }

            while (end > start && IsWhitespace(value[end - 1]))
            {
                end--;
            }

            return value.Slice(start, end - start);
        }

        /// <summary>
        /// Explains why <paramref name="value"/> is not a token, in the words the analyzers and the runtime's exceptions use;
        /// null when it is one.
        /// </summary>
        public static string? DescribeInvalidToken(string? value)
        {
            if (value is null || value.Length == 0)
            {
                return "a token must not be empty";
            }

            int index = IndexOfInvalidTokenChar(value.AsSpan());
            if (index < 0)
            {
                return null;
            }

            char c = value[index];
            string shown = c switch
            {
                ' ' => "' ' (space)",
                '\t' => "'\\t' (tab)",
                _ when c < 32 || c == 127 => "U+" + ((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture),
                _ when char.IsControl(c) => "U+" + ((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture) + " (not ASCII)",
                _ when c > 127 => "'" + c + "' (U+" + ((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture) + ", not ASCII)",
                _ => "'" + c + "'",
            };
            return shown + " at position " + index.ToString(System.Globalization.CultureInfo.InvariantCulture) + " is not allowed";
        }
    }
}
