using System;

namespace HttpUpgrade;

/// <summary>RFC 6455 opening-handshake computations.</summary>
public static class WebSocketHandshake
{
    /// <summary>The GUID appended to the key before hashing (RFC 6455 §1.3).</summary>
    public const string KeyGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>The length of a valid <c>Sec-WebSocket-Key</c>: 16 bytes in base64.</summary>
    public const int KeyLength = 24;

    /// <summary>Whether <paramref name="key"/> is exactly 16 bytes of base64 (RFC 6455 §4.1, §4.2.1 item 5).</summary>
    public static bool IsValidKey(ReadOnlySpan<char> key)
    {
        if (key.Length != KeyLength)
        {
            return false;
        }

        // Convert skips whitespace inside base64; a key is 24 base64 characters with no whitespace at all.
        foreach (char c in key)
        {
            if (HttpTokenGrammar.IsWhitespace(c))
            {
                return false;
            }
        }

        Span<byte> decoded = stackalloc byte[18];
        return Convert.TryFromBase64Chars(key, decoded, out int written) && written == 16;
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
        Convert.TryToBase64Chars(hash, destination, out _);
    }

    /// <summary>Computes <c>Sec-WebSocket-Accept</c> for <paramref name="key"/> as a string.</summary>
    public static string ComputeAccept(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Span<char> accept = stackalloc char[UpgradeDecision.WebSocketAcceptLength];
        ComputeAccept(key.AsSpan(), accept);
        return new string(accept);
    }
}
