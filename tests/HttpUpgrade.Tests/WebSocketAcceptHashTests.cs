using System;
using System.Security.Cryptography;
using System.Text;
using CsCheck;
using Xunit;

namespace HttpUpgrade.Tests;

/// <summary>
/// The accept key's own SHA-1 (<see cref="WebSocketAcceptHash"/>) against the platform's <see cref="SHA1.HashData(ReadOnlySpan{byte}, Span{byte})"/>:
/// every valid key, and every other 24 ASCII characters too, must hash to the same digest.
/// </summary>
public sealed class WebSocketAcceptHashTests
{
    [Fact]
    public void Rfc6455_4_2_2_DigestMatchesSha1OfKeyAndGuid_ForRandomKeys()
    {
        // A valid key is 16 random bytes in base64 (RFC 6455 §4.1).
        Gen.Byte.Array[16].Select(Convert.ToBase64String).Sample(AssertSameDigest, iter: 20_000);
    }

    [Fact]
    public void DigestMatchesSha1_ForAny24AsciiCharacters()
    {
        // The hash itself does not rely on the base64 alphabet: any ASCII byte in any of the six key words.
        Gen.Char[(char)0, (char)127].Array[24].Select(chars => new string(chars)).Sample(AssertSameDigest, iter: 20_000);
    }

    [Theory]
    [InlineData("dGhlIHNhbXBsZSBub25jZQ==", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")] // RFC 6455 §1.3
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA==", null)]
    [InlineData("/////////////////////w==", null)]
    public void Rfc6455_1_3_AcceptMatchesTheRfcExampleAndEdgeKeys(string key, string? accept)
    {
        AssertSameDigest(key);
        if (accept is not null)
        {
            Assert.Equal(accept, WebSocketHandshake.ComputeAccept(key));
        }
    }

    [Fact]
    public void Rfc6455_4_2_2_AcceptIsBase64OfTheDigest_ForRandomKeys()
    {
        Gen.Byte.Array[16].Select(Convert.ToBase64String).Sample(key =>
        {
            string expected = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + WebSocketHandshake.KeyGuid)));
            Assert.Equal(expected, WebSocketHandshake.ComputeAccept(key));
        }, iter: 20_000);
    }

    [Fact]
    public void Rfc6455_4_1_AKeyIsValidExactlyWhenConvertDecodesItTo16Bytes()
    {
        // Near-keys: base64 characters, pads, whitespace, and bytes outside the alphabet, 20 to 26 of them, so that
        // lengths, pad positions and stray characters all occur; and valid keys with one character replaced.
        Gen<string> nearKeys = Gen.OneOf(
            Gen.Char["ABCXYZabcxyz0189+/=  \t\r\n-_.\0\u00e9"].Array[20, 26].Select(chars => new string(chars)),
            Gen.Select(Gen.Byte.Array[16], Gen.Int[0, 23], Gen.Char[(char)0, (char)255], (bytes, at, c) =>
            {
                char[] key = Convert.ToBase64String(bytes).ToCharArray();
                key[at] = c;
                return new string(key);
            }));
        int valid = 0;
        nearKeys.Sample(key =>
        {
            bool expected = key.Length == 24 && key.AsSpan().IndexOfAny(" \t\r\n") < 0 && Decodes16(key);
            Assert.Equal(expected, WebSocketHandshake.IsValidKey(key));
            if (expected)
            {
                System.Threading.Interlocked.Increment(ref valid);
            }
        }, iter: 50_000);
        Assert.True(valid > 1_000, $"only {valid} valid keys were generated");

        static bool Decodes16(string key)
        {
            try
            {
                return Convert.FromBase64String(key).Length == 16;
            }
            catch (FormatException)
            {
                return false;
            }
        }
    }

    [Fact]
    public void Compute_RejectsAWrongLengthKeyOrAShortDigest()
    {
        Assert.Throws<ArgumentException>(() => WebSocketAcceptHash.Compute("short", new byte[20]));
        Assert.Throws<ArgumentException>(() => WebSocketAcceptHash.Compute("dGhlIHNhbXBsZSBub25jZQ==", new byte[19]));
    }

    private static void AssertSameDigest(string key)
    {
        byte[] expected = SHA1.HashData(Encoding.ASCII.GetBytes(key + WebSocketHandshake.KeyGuid));
        var actual = new byte[20];
        WebSocketAcceptHash.Compute(key, actual);
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(actual));
    }
}
