using System;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace HttpUpgrade;

/// <summary>
/// SHA-1 (FIPS 180-4 §6.1) of the one input shape RFC 6455 §4.2.2 ever hashes: a 24-character key followed by the
/// 36-character GUID, always 60 bytes. That length fixes the padding, so the message is always two blocks whose second
/// block (zeros and the bit length 480) is a constant: its whole message schedule, with the round constants added,
/// is computed once. In the first block only the six words of the key vary; the GUID and the padding byte fill the rest.
/// For this one short input the 160 rounds here take less time than a one-shot call into the platform's SHA-1
/// (docs/benchmarks.md); tests check the digest against <c>SHA1.HashData</c> over random keys.
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
        ref uint word = ref MemoryMarshal.GetReference(w);
        for (int t = 16; t < 80; t++)
        {
            Unsafe.Add(ref word, t) = BitOperations.RotateLeft(
                Unsafe.Add(ref word, t - 3) ^ Unsafe.Add(ref word, t - 8) ^ Unsafe.Add(ref word, t - 14) ^ Unsafe.Add(ref word, t - 16), 1);
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
        if (w.Length < 80)
        {
            throw new ArgumentException("A SHA-1 block schedule has 80 words.", nameof(w));
        }

        ref uint schedule = ref MemoryMarshal.GetReference(w);
        uint a = h0, b = h1, c = h2, d = h3, e = h4;

        // Five rounds a step, with the roles of the five working variables renamed instead of moved (FIPS 180-4 §6.1.2
        // step 3 shifts them by one each round); each round's constant is already in the word when addConstants is false.
        uint k = addConstants ? K0 : 0;
        for (int t = 0; t < 20; t += 5)
        {
            Choose(a, ref b, c, d, ref e, Unsafe.Add(ref schedule, t) + k);
            Choose(e, ref a, b, c, ref d, Unsafe.Add(ref schedule, t + 1) + k);
            Choose(d, ref e, a, b, ref c, Unsafe.Add(ref schedule, t + 2) + k);
            Choose(c, ref d, e, a, ref b, Unsafe.Add(ref schedule, t + 3) + k);
            Choose(b, ref c, d, e, ref a, Unsafe.Add(ref schedule, t + 4) + k);
        }

        k = addConstants ? K1 : 0;
        for (int t = 20; t < 40; t += 5)
        {
            Parity(a, ref b, c, d, ref e, Unsafe.Add(ref schedule, t) + k);
            Parity(e, ref a, b, c, ref d, Unsafe.Add(ref schedule, t + 1) + k);
            Parity(d, ref e, a, b, ref c, Unsafe.Add(ref schedule, t + 2) + k);
            Parity(c, ref d, e, a, ref b, Unsafe.Add(ref schedule, t + 3) + k);
            Parity(b, ref c, d, e, ref a, Unsafe.Add(ref schedule, t + 4) + k);
        }

        k = addConstants ? K2 : 0;
        for (int t = 40; t < 60; t += 5)
        {
            Majority(a, ref b, c, d, ref e, Unsafe.Add(ref schedule, t) + k);
            Majority(e, ref a, b, c, ref d, Unsafe.Add(ref schedule, t + 1) + k);
            Majority(d, ref e, a, b, ref c, Unsafe.Add(ref schedule, t + 2) + k);
            Majority(c, ref d, e, a, ref b, Unsafe.Add(ref schedule, t + 3) + k);
            Majority(b, ref c, d, e, ref a, Unsafe.Add(ref schedule, t + 4) + k);
        }

        k = addConstants ? K3 : 0;
        for (int t = 60; t < 80; t += 5)
        {
            Parity(a, ref b, c, d, ref e, Unsafe.Add(ref schedule, t) + k);
            Parity(e, ref a, b, c, ref d, Unsafe.Add(ref schedule, t + 1) + k);
            Parity(d, ref e, a, b, ref c, Unsafe.Add(ref schedule, t + 2) + k);
            Parity(c, ref d, e, a, ref b, Unsafe.Add(ref schedule, t + 3) + k);
            Parity(b, ref c, d, e, ref a, Unsafe.Add(ref schedule, t + 4) + k);
        }

        h0 += a; h1 += b; h2 += c; h3 += d; h4 += e;
    }

    // One round of FIPS 180-4 §6.1.2 with f = Ch, Parity or Maj (§4.1.1): e takes the new a, b its rotation.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Choose(uint a, ref uint b, uint c, uint d, ref uint e, uint wk)
    {
        e += BitOperations.RotateLeft(a, 5) + (d ^ (b & (c ^ d))) + wk;
        b = BitOperations.RotateLeft(b, 30);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Parity(uint a, ref uint b, uint c, uint d, ref uint e, uint wk)
    {
        e += BitOperations.RotateLeft(a, 5) + (b ^ c ^ d) + wk;
        b = BitOperations.RotateLeft(b, 30);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Majority(uint a, ref uint b, uint c, uint d, ref uint e, uint wk)
    {
        e += BitOperations.RotateLeft(a, 5) + ((b & c) | (d & (b | c))) + wk;
        b = BitOperations.RotateLeft(b, 30);
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
