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
