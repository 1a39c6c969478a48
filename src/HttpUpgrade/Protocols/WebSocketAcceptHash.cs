using System;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace HttpUpgrade;

/// <summary>
/// SHA-1 (FIPS 180-4 §6.1) of the one input shape RFC 6455 §4.2.2 ever hashes: a 24-character key followed by the
/// 36-character GUID, always 60 bytes. That length fixes the padding, so the message is always two blocks whose second
/// block (zeros and the bit length 480) is a constant: its whole message schedule, with the round constants added,
/// is computed once. In the first block only the six words of the key vary; the GUID and the padding byte fill the rest.
/// A one-shot call into the platform's SHA-1 costs more in setup than these 160 rounds do, which is why the accept
/// key is computed here; tests check it against <c>SHA1.HashData</c> over random keys.
/// </summary>
internal static class WebSocketAcceptHash
{
    private const uint K0 = 0x5A827999;
    private const uint K1 = 0x6ED9EBA1;
    private const uint K2 = 0x8F1BBCDC;
    private const uint K3 = 0xCA62C1D6;

    /// <summary>The second block's schedule with each round's constant added: W[t] + K[t] for t = 0..79.</summary>
    private static readonly uint[] s_secondBlock = ScheduleSecondBlock();

    /// <summary>Writes the 20-byte digest of <c>key + GUID</c>; <paramref name="key"/> is 24 ASCII characters.</summary>
    public static void Compute(ReadOnlySpan<char> key, Span<byte> digest)
    {
        if (key.Length != WebSocketHandshake.KeyLength || digest.Length < 20)
        {
            throw new ArgumentException("The key must be 24 characters and the digest must hold 20 bytes.");
        }

        Span<uint> w = stackalloc uint[80];
        for (int i = 0; i < 6; i++)
        {
            int c = i * 4;
            w[i] = ((uint)(byte)key[c] << 24) | ((uint)(byte)key[c + 1] << 16) | ((uint)(byte)key[c + 2] << 8) | (byte)key[c + 3];
        }

        // Words 6–15: the GUID (RFC 6455 §1.3) as big-endian words, then the padding's 0x80 and three zero bytes.
        w[6] = 0x32353845; w[7] = 0x41464135; w[8] = 0x2D453931; w[9] = 0x342D3437; w[10] = 0x44412D39;
        w[11] = 0x3543412D; w[12] = 0x43354142; w[13] = 0x30444338; w[14] = 0x35423131; w[15] = 0x80000000;
        for (int t = 16; t < 80; t++)
        {
            w[t] = BitOperations.RotateLeft(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
        }

        uint h0 = 0x67452301, h1 = 0xEFCDAB89, h2 = 0x98BADCFE, h3 = 0x10325476, h4 = 0xC3D2E1F0;
        Compress(ref h0, ref h1, ref h2, ref h3, ref h4, w, addConstants: true);
        Compress(ref h0, ref h1, ref h2, ref h3, ref h4, s_secondBlock, addConstants: false);

        BinaryPrimitives.WriteUInt32BigEndian(digest, h0);
        BinaryPrimitives.WriteUInt32BigEndian(digest.Slice(4), h1);
        BinaryPrimitives.WriteUInt32BigEndian(digest.Slice(8), h2);
        BinaryPrimitives.WriteUInt32BigEndian(digest.Slice(12), h3);
        BinaryPrimitives.WriteUInt32BigEndian(digest.Slice(16), h4);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Compress(ref uint h0, ref uint h1, ref uint h2, ref uint h3, ref uint h4, ReadOnlySpan<uint> w, bool addConstants)
    {
        uint a = h0, b = h1, c = h2, d = h3, e = h4;
        w = w.Slice(0, 80);

        uint k = addConstants ? K0 : 0;
        for (int t = 0; t < 20; t++)
        {
            uint temp = BitOperations.RotateLeft(a, 5) + (d ^ (b & (c ^ d))) + e + w[t] + k;
            e = d; d = c; c = BitOperations.RotateLeft(b, 30); b = a; a = temp;
        }

        k = addConstants ? K1 : 0;
        for (int t = 20; t < 40; t++)
        {
            uint temp = BitOperations.RotateLeft(a, 5) + (b ^ c ^ d) + e + w[t] + k;
            e = d; d = c; c = BitOperations.RotateLeft(b, 30); b = a; a = temp;
        }

        k = addConstants ? K2 : 0;
        for (int t = 40; t < 60; t++)
        {
            uint temp = BitOperations.RotateLeft(a, 5) + ((b & c) | (d & (b | c))) + e + w[t] + k;
            e = d; d = c; c = BitOperations.RotateLeft(b, 30); b = a; a = temp;
        }

        k = addConstants ? K3 : 0;
        for (int t = 60; t < 80; t++)
        {
            uint temp = BitOperations.RotateLeft(a, 5) + (b ^ c ^ d) + e + w[t] + k;
            e = d; d = c; c = BitOperations.RotateLeft(b, 30); b = a; a = temp;
        }

        h0 += a; h1 += b; h2 += c; h3 += d; h4 += e;
    }

    private static uint[] ScheduleSecondBlock()
    {
        var w = new uint[80];

        // Bytes 60..127 of the padded message: zeros, then the message length in bits as a 64-bit big-endian number.
        w[15] = 60 * 8;
        for (int t = 16; t < 80; t++)
        {
            w[t] = BitOperations.RotateLeft(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
        }

        for (int t = 0; t < 80; t++)
        {
            w[t] += t switch { < 20 => K0, < 40 => K1, < 60 => K2, _ => K3 };
        }

        return w;
    }
}
