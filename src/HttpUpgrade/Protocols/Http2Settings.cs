using System;
using System.Buffers.Binary;

namespace HttpUpgrade;

/// <summary>
/// The <c>HTTP2-Settings</c> field of an <c>h2c</c> upgrade (RFC 7540 §3.2.1): the payload of a SETTINGS frame, encoded
/// as base64url without padding. Decoding and checking allocate nothing.
/// </summary>
public static class Http2Settings
{
    /// <summary>The most settings one field may carry: six bytes each. Clients send a handful; more is refused, not parsed.</summary>
    public const int MaxSettings = 32;

    /// <summary>The largest decoded payload, in bytes.</summary>
    public const int MaxPayloadLength = MaxSettings * 6;

    private const ushort EnablePush = 0x2;
    private const ushort InitialWindowSize = 0x4;
    private const ushort MaxFrameSize = 0x5;
    private const ushort EnableConnectProtocol = 0x8;

    /// <summary>
    /// Decodes <paramref name="value"/> (base64url, RFC 4648 §5; trailing <c>=</c> tolerated) into <paramref name="payload"/>
    /// and checks it is a valid SETTINGS payload (RFC 9113 §6.5): whole six-byte settings, each known one in its range.
    /// </summary>
    /// <returns>False when the value is not base64url, is too long, or is not a valid payload.</returns>
    public static bool TryDecode(ReadOnlySpan<char> value, Span<byte> payload, out int length)
    {
        length = 0;
        value = HttpTokenGrammar.TrimWhitespace(value);

        // RFC 4648 §5 without padding; "=" up to a multiple of four is tolerated, nothing else but the 64 letters.
        if (value.Length % 4 == 0 && value.EndsWith("=="))
        {
            value = value.Slice(0, value.Length - 2);
        }
        else if (value.Length % 4 == 0 && value.EndsWith("="))
        {
            value = value.Slice(0, value.Length - 1);
        }

        if (value.Length % 4 == 1 || value.Length > (MaxPayloadLength * 4 + 2) / 3 || !TryDecodeBase64Url(value, payload, out length))
        {
            length = 0;
            return false;
        }

        if (!IsValidPayload(payload.Slice(0, length)))
        {
            length = 0;
            return false;
        }

        return true;
    }

    private static bool TryDecodeBase64Url(ReadOnlySpan<char> value, Span<byte> destination, out int length)
    {
        length = 0;
        int bits = 0;
        int accumulator = 0;
        foreach (char c in value)
        {
            int sextet = c switch
            {
                >= 'A' and <= 'Z' => c - 'A',
                >= 'a' and <= 'z' => c - 'a' + 26,
                >= '0' and <= '9' => c - '0' + 52,
                '-' => 62,
                '_' => 63,
                _ => -1,
            };

            if (sextet < 0)
            {
                return false;
            }

            accumulator = (accumulator << 6) | sextet;
            bits += 6;
            if (bits >= 8)
            {
                bits -= 8;
                if (length == destination.Length)
                {
                    return false;
                }

                destination[length++] = (byte)(accumulator >> bits);
                accumulator &= (1 << bits) - 1;
            }
        }

        // The bits left over pad the last byte and must be zero (RFC 4648 §3.5).
        return accumulator == 0;
    }

    /// <summary>Whether <paramref name="value"/> decodes to a valid SETTINGS payload.</summary>
    public static bool IsValid(ReadOnlySpan<char> value)
    {
        Span<byte> payload = stackalloc byte[MaxPayloadLength];
        return TryDecode(value, payload, out _);
    }

    /// <summary>
    /// Whether <paramref name="payload"/> is a SETTINGS payload an HTTP/2 server accepts: a multiple of six bytes, and
    /// SETTINGS_ENABLE_PUSH and SETTINGS_ENABLE_CONNECT_PROTOCOL 0 or 1, SETTINGS_INITIAL_WINDOW_SIZE at most 2^31-1,
    /// SETTINGS_MAX_FRAME_SIZE between 2^14 and 2^24-1 (RFC 9113 §6.5.2, RFC 8441 §3). Unknown settings are ignored.
    /// </summary>
    public static bool IsValidPayload(ReadOnlySpan<byte> payload)
    {
        if (payload.Length % 6 != 0 || payload.Length > MaxPayloadLength)
        {
            return false;
        }

        for (int i = 0; i < payload.Length; i += 6)
        {
            ushort id = BinaryPrimitives.ReadUInt16BigEndian(payload.Slice(i));
            uint value = BinaryPrimitives.ReadUInt32BigEndian(payload.Slice(i + 2));
            bool valid = id switch
            {
                EnablePush or EnableConnectProtocol => value <= 1,
                InitialWindowSize => value <= int.MaxValue,
                MaxFrameSize => value is >= 16_384 and <= 16_777_215,
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
