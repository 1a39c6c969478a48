using System;
using System.Collections.Generic;
using Xunit;

namespace HttpUpgrade.Tests;

public sealed class HttpTokenGrammarTests
{
    // RFC 9110 §5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
    private const string TcharSymbols = "!#$%&'*+-.^_`|~";

    // RFC 9110 §5.6.2: delimiters are chosen from the set of US-ASCII visual characters not allowed in a token.
    private const string Delimiters = "\"(),/:;<=>?@[\\]{}";

    public static TheoryData<char> Tchars()
    {
        var data = new TheoryData<char>();
        foreach (char c in TcharSymbols)
        {
            data.Add(c);
        }

        for (char c = '0'; c <= '9'; c++)
        {
            data.Add(c);
        }

        for (char c = 'A'; c <= 'Z'; c++)
        {
            data.Add(c);
            data.Add(char.ToLowerInvariant(c));
        }

        return data;
    }

    public static TheoryData<char> DelimitersAndWhitespace()
    {
        var data = new TheoryData<char>();
        foreach (char c in Delimiters)
        {
            data.Add(c);
        }

        data.Add(' ');
        data.Add('\t');
        return data;
    }

    public static TheoryData<int> ControlsAndDelete()
    {
        var data = new TheoryData<int>();
        for (int c = 0; c < 0x20; c++)
        {
            data.Add(c);
        }

        data.Add(0x7F);
        return data;
    }

    public static TheoryData<int> NonAscii() =>
    [
        0x80, 0x85, 0xA0, 0xE9, 0xFF, 0x100, 0x130, 0x212A, 0x2028, 0x3000, 0xD800, 0xDFFF, 0xFEFF, 0xFF01, 0xFFFD, 0xFFFF,
    ];

    [Theory]
    [MemberData(nameof(Tchars))]
    public void Rfc9110_5_6_2_EveryTcharIsAccepted(char c)
    {
        Assert.True(HttpTokenGrammar.IsTokenChar(c));
        Assert.True(HttpTokenGrammar.IsToken(c.ToString()));
        Assert.True(HttpTokenGrammar.IsToken("a" + c + "z"));
        Assert.Equal(-1, HttpTokenGrammar.IndexOfInvalidTokenChar("a" + c + "z"));
        Assert.Null(HttpTokenGrammar.DescribeInvalidToken("a" + c + "z"));
    }

    [Theory]
    [MemberData(nameof(DelimitersAndWhitespace))]
    public void Rfc9110_5_6_2_DelimitersAndWhitespaceAreRejected(char c)
    {
        Assert.False(HttpTokenGrammar.IsTokenChar(c));
        Assert.False(HttpTokenGrammar.IsToken(c.ToString()));
        Assert.False(HttpTokenGrammar.IsToken("ab" + c + "cd"));
        Assert.Equal(2, HttpTokenGrammar.IndexOfInvalidTokenChar("ab" + c + "cd"));
    }

    [Theory]
    [MemberData(nameof(ControlsAndDelete))]
    public void Rfc5234_B_1_CtlAndDelAreRejected(int code)
    {
        char c = (char)code;
        Assert.False(HttpTokenGrammar.IsTokenChar(c));
        Assert.False(HttpTokenGrammar.IsToken("ws" + c));
        Assert.Equal(2, HttpTokenGrammar.IndexOfInvalidTokenChar("ws" + c));
        string shown = c == '\t' ? "'\\t' (tab)" : $"U+{code:X4}";
        Assert.Equal($"{shown} at position 2 is not allowed", HttpTokenGrammar.DescribeInvalidToken("ws" + c));
    }

    [Theory]
    [MemberData(nameof(NonAscii))]
    public void Rfc9110_5_6_2_NonAsciiIsRejected(int code)
    {
        char c = (char)code;
        Assert.False(HttpTokenGrammar.IsTokenChar(c));
        Assert.False(HttpTokenGrammar.IsToken(c.ToString()));
        Assert.False(HttpTokenGrammar.IsToken("web" + c + "socket"));
        Assert.Equal(3, HttpTokenGrammar.IndexOfInvalidTokenChar("web" + c + "socket"));
        // Invisible characters are shown by code point only, so the message never carries a raw control character.
        string expected = char.IsControl(c) ? $"U+{code:X4} (not ASCII)" : $"'{c}' (U+{code:X4}, not ASCII)";
        Assert.Equal(expected + " at position 3 is not allowed", HttpTokenGrammar.DescribeInvalidToken("web" + c + "socket"));
    }

    [Fact]
    public void Rfc9110_5_6_2_TokenIsOneOrMoreTchar_EmptyIsRejected()
    {
        Assert.False(HttpTokenGrammar.IsToken(string.Empty));
        Assert.False(HttpTokenGrammar.IsToken((string?)null));
        Assert.False(HttpTokenGrammar.IsToken(ReadOnlySpan<char>.Empty));
        Assert.Equal("a token must not be empty", HttpTokenGrammar.DescribeInvalidToken(string.Empty));
        Assert.Equal("a token must not be empty", HttpTokenGrammar.DescribeInvalidToken(null));
    }

    [Fact]
    public void Rfc9110_5_6_2_IsTokenChar_MatchesTheGrammarForEveryChar()
    {
        var mismatches = new List<string>();
        int tcharCount = 0;
        for (int code = 0; code <= char.MaxValue; code++)
        {
            bool expected = ReferenceIsTchar(code);
            if (expected)
            {
                tcharCount++;
            }

            if (HttpTokenGrammar.IsTokenChar((char)code) != expected)
            {
                mismatches.Add($"U+{code:X4} expected {expected}");
            }
        }

        Assert.Empty(mismatches);
        Assert.Equal(TcharSymbols.Length + 10 + 26 + 26, tcharCount);
    }

    [Theory]
    [InlineData("web socket", "' ' (space) at position 3 is not allowed")]
    [InlineData("web\tsocket", "'\\t' (tab) at position 3 is not allowed")]
    [InlineData("chat/1", "'/' at position 4 is not allowed")]
    [InlineData("\"chat\"", "'\"' at position 0 is not allowed")]
    [InlineData("a{b}", "'{' at position 1 is not allowed")]
    [InlineData("a b/c", "' ' (space) at position 1 is not allowed")]
    [InlineData("\u0000x", "U+0000 at position 0 is not allowed")]
    [InlineData("ws\r\n", "U+000D at position 2 is not allowed")]
    [InlineData("ws\u007F", "U+007F at position 2 is not allowed")]
    [InlineData("caf\u00E9", "'\u00E9' (U+00E9, not ASCII) at position 3 is not allowed")]
    public void Rfc9110_5_6_2_DescribeInvalidToken_NamesTheFirstOffendingCharAndItsPosition(string value, string expected)
        => Assert.Equal(expected, HttpTokenGrammar.DescribeInvalidToken(value));

    [Theory]
    [InlineData("websocket")]
    [InlineData("chat.v1")]
    [InlineData("h2c")]
    [InlineData(TcharSymbols)]
    public void Rfc9110_5_6_2_DescribeInvalidToken_IsNullForAToken(string value)
    {
        Assert.True(HttpTokenGrammar.IsToken(value));
        Assert.Null(HttpTokenGrammar.DescribeInvalidToken(value));
    }

    [Theory]
    [InlineData(" \t a b \t", "a b")]
    [InlineData("token", "token")]
    [InlineData(" \t ", "")]
    [InlineData("", "")]
    [InlineData("\r\nx\r\n", "\r\nx\r\n")]
    [InlineData("\u00A0x\u00A0", "\u00A0x\u00A0")]
    public void Rfc9110_5_6_3_TrimWhitespace_RemovesOnlySpAndHtab(string value, string expected)
        => Assert.Equal(expected, HttpTokenGrammar.TrimWhitespace(value).ToString());

    [Theory]
    [InlineData(' ', true)]
    [InlineData('\t', true)]
    [InlineData('\r', false)]
    [InlineData('\n', false)]
    [InlineData('\v', false)]
    [InlineData('\u00A0', false)]
    public void Rfc9110_5_6_3_OwsIsSpOrHtab(char c, bool expected)
        => Assert.Equal(expected, HttpTokenGrammar.IsWhitespace(c));

    private static bool ReferenceIsTchar(int code)
    {
        if (code > 0x7F)
        {
            return false;
        }

        char c = (char)code;
        return c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9')
            || TcharSymbols.Contains(c, StringComparison.Ordinal);
    }
}
