using System;
using System.Buffers;

namespace HttpUpgrade;

/// <summary>RFC 6455 opening-handshake computations.</summary>
public static class WebSocketHandshake
{
    /// <summary>The GUID appended to the key before hashing (RFC 6455 §1.3).</summary>
    public const string KeyGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>The length of a valid <c>Sec-WebSocket-Key</c>: 16 bytes in base64.</summary>
    public const int KeyLength = 24;

    // RFC 4648 §4: the base64 alphabet, without the pad.
    private static readonly SearchValues<char> s_base64Alphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");

    /// <summary>Whether <paramref name="key"/> is exactly 16 bytes of base64 (RFC 6455 §4.1, §4.2.1 item 5).</summary>
    public static bool IsValidKey(ReadOnlySpan<char> key)
    {
        // 16 bytes are 22 base64 characters and two pads, and nothing else: no whitespace, which a base64 decoder
        // would skip. The 4 bits the 22nd character holds past the 16th byte are not checked, as Convert does not
        // check them: a key is valid here exactly when Convert decodes it to 16 bytes.
        return key.Length == KeyLength
            && key[KeyLength - 2] == '='
            && key[KeyLength - 1] == '='
            && !key.Slice(0, KeyLength - 2).ContainsAnyExcept(s_base64Alphabet);
    }

    /// <summary>
    /// Writes <c>base64(SHA-1(key + GUID))</c> (RFC 6455 §4.2.2 item 5.4) into <paramref name="destination"/>,
    /// which must hold <see cref="UpgradeDecision.WebSocketAcceptLength"/> characters. Allocates nothing.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="key"/> is not a valid key or <paramref name="destination"/> is too short.</exception>
    public static void ComputeAccept(ReadOnlySpan<char> key, Span<char> destination)
    {
        if (!IsValidKey(key))
        {
            throw new ArgumentException("Sec-WebSocket-Key must be 16 bytes encoded as base64 (24 characters).", nameof(key));
        }

        if (destination.Length < UpgradeDecision.WebSocketAcceptLength)
        {
            throw new ArgumentException($"The destination must hold {UpgradeDecision.WebSocketAcceptLength} characters.", nameof(destination));
        }

        ComputeAcceptUnchecked(key, destination);
    }

    /// <summary>The accept computation for a key the caller has already validated with <see cref="IsValidKey"/>.</summary>
    internal static void ComputeAcceptUnchecked(ReadOnlySpan<char> key, Span<char> destination)
    {
        Span<byte> hash = stackalloc byte[20];
        WebSocketAcceptHash.Compute(key, hash);
        ToBase64(hash, destination);
    }

    /// <summary>Computes <c>Sec-WebSocket-Accept</c> for <paramref name="key"/> as a string.</summary>
    public static string ComputeAccept(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Span<char> accept = stackalloc char[UpgradeDecision.WebSocketAcceptLength];
        ComputeAccept(key.AsSpan(), accept);
        return new string(accept);
    }

    // RFC 4648 §4 for the one length an accept key has: 20 bytes, six groups of three and a last group of two, which is
    // 27 characters and one pad.
    private static void ToBase64(ReadOnlySpan<byte> digest, Span<char> destination)
    {
        ReadOnlySpan<byte> alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"u8;
        digest = digest.Slice(0, 20);
        destination = destination.Slice(0, UpgradeDecision.WebSocketAcceptLength);
        int d = 0;
        for (int i = 0; i < 18; i += 3)
        {
            int group = (digest[i] << 16) | (digest[i + 1] << 8) | digest[i + 2];
            destination[d] = (char)alphabet[group >> 18];
            destination[d + 1] = (char)alphabet[(group >> 12) & 0x3F];
            destination[d + 2] = (char)alphabet[(group >> 6) & 0x3F];
            destination[d + 3] = (char)alphabet[group & 0x3F];
            d += 4;
        }

        int last = (digest[18] << 8) | digest[19];
        destination[24] = (char)alphabet[last >> 10];
        destination[25] = (char)alphabet[(last >> 4) & 0x3F];
        destination[26] = (char)alphabet[(last << 2) & 0x3F];
        destination[27] = '=';
    }
}
