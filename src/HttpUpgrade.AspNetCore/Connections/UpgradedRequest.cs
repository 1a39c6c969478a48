using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace HttpUpgrade.AspNetCore.Connections;

/// <summary>
/// The request that asked for a connection-level upgrade, re-encoded for the engine that serves the connection next:
/// an HTTP/1.1 head for Kestrel's engine behind TLS (RFC 2817 §3.3: the original request is answered over TLS), or the
/// HTTP/2 connection preface with the request as stream 1 for its HTTP/2 engine (RFC 7540 §3.2).
/// </summary>
internal static class UpgradedRequest
{
    /// <summary>The HTTP/2 client connection preface (RFC 9113 §3.4).</summary>
    public static ReadOnlySpan<byte> Http2Magic => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    /// <summary>The frame size every HTTP/2 endpoint accepts (RFC 9113 §4.2), Kestrel's default limit.</summary>
    public const int DefaultMaxFrameSize = 16_384;

    private const byte SettingsFrame = 0x4;
    private const byte HeadersFrame = 0x1;
    private const byte ContinuationFrame = 0x9;
    private const byte EndStream = 0x1;
    private const byte EndHeaders = 0x4;

    // RFC 9113 §8.2.2: fields that make no sense on an HTTP/2 stream. HTTP2-Settings and Upgrade were for the switch alone.
    private static readonly HashSet<string> s_connectionSpecific = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Upgrade", "HTTP2-Settings", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "Host", "TE",
    };

    /// <summary>
    /// The request's head as HTTP/1.1 without the upgrade: <c>Upgrade</c> is dropped and <c>upgrade</c> leaves
    /// <c>Connection</c>, so the request is served, not upgraded again.
    /// </summary>
    public static byte[] ToHttp11Head(HttpRequest request)
    {
        var head = new StringBuilder(256);
        head.Append(request.Method).Append(' ').Append(TargetOf(request)).Append(" HTTP/1.1\r\n");
        foreach (KeyValuePair<string, StringValues> header in request.Headers)
        {
            if (header.Key.Equals("Upgrade", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (string? value in header.Value)
            {
                string? kept = header.Key.Equals("Connection", StringComparison.OrdinalIgnoreCase) ? WithoutUpgradeOption(value) : value;
                if (kept is not null)
                {
                    head.Append(header.Key).Append(": ").Append(kept).Append("\r\n");
                }
            }
        }

        head.Append("\r\n");

        // Kestrel accepted these bytes as Latin-1 when it parsed them; the same encoding gives it the same bytes back.
        return Encoding.Latin1.GetBytes(head.ToString());
    }

    /// <summary>
    /// What Kestrel's HTTP/2 engine reads first on an h2c connection: the client's magic, one SETTINGS frame holding the
    /// <c>HTTP2-Settings</c> payload followed by the client's own first SETTINGS payload (so both apply, the client's own
    /// values last, and one acknowledgement answers both), then the request as stream 1 with END_STREAM.
    /// </summary>
    /// <returns>Null when the two SETTINGS payloads together do not fit one frame.</returns>
    public static byte[]? ToHttp2Preface(HttpRequest request, ReadOnlySpan<byte> upgradeSettings, ReadOnlySpan<byte> clientSettings)
    {
        int settingsLength = upgradeSettings.Length + clientSettings.Length;
        if (settingsLength > DefaultMaxFrameSize)
        {
            return null;
        }

        var output = new ArrayBufferWriter<byte>(256 + settingsLength);
        output.Write(Http2Magic);
        WriteFrameHeader(output, settingsLength, SettingsFrame, 0, 0);
        output.Write(upgradeSettings);
        output.Write(clientSettings);

        byte[] block = HeaderBlock(request);
        int offset = 0;
        do
        {
            int length = Math.Min(block.Length - offset, DefaultMaxFrameSize);
            bool first = offset == 0;
            bool last = offset + length == block.Length;
            byte flags = (byte)((first ? EndStream : 0) | (last ? EndHeaders : 0));
            WriteFrameHeader(output, length, first ? HeadersFrame : ContinuationFrame, flags, 1);
            output.Write(block.AsSpan(offset, length));
            offset += length;
        }
        while (offset < block.Length);

        return output.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Checks what the client sent first after the 101: the magic, then a SETTINGS frame on stream 0 that is no
    /// acknowledgement (RFC 9113 §3.4). Returns the frame's payload length, or -1 when it is anything else.
    /// </summary>
    public static int ReadClientPrefaceHeader(ReadOnlySpan<byte> magicAndFrameHeader)
    {
        if (!magicAndFrameHeader.StartsWith(Http2Magic) || magicAndFrameHeader.Length < Http2Magic.Length + 9)
        {
            return -1;
        }

        ReadOnlySpan<byte> frame = magicAndFrameHeader.Slice(Http2Magic.Length, 9);
        int length = (frame[0] << 16) | (frame[1] << 8) | frame[2];
        uint stream = BinaryPrimitives.ReadUInt32BigEndian(frame.Slice(5)) & 0x7FFF_FFFF;
        bool isSettings = frame[3] == SettingsFrame && (frame[4] & 0x1) == 0 && stream == 0;
        return isSettings && length % 6 == 0 && length <= DefaultMaxFrameSize ? length : -1;
    }

    private static string TargetOf(HttpRequest request)
    {
        string? raw = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (raw is not null && (raw == "*" || raw.StartsWith('/')))
        {
            return raw;
        }

        // An absolute-form target (RFC 9112 §3.2.2) becomes its origin form, as a server reading it would take it.
        return request.GetEncodedPathAndQuery();
    }

    private static string? WithoutUpgradeOption(string? connection)
    {
        if (connection is null)
        {
            return null;
        }

        var kept = new List<string>();
        foreach (string option in connection.Split(','))
        {
            string trimmed = option.Trim(' ', '\t');
            if (trimmed.Length > 0 && !trimmed.Equals("upgrade", StringComparison.OrdinalIgnoreCase)
                && !trimmed.Equals("HTTP2-Settings", StringComparison.OrdinalIgnoreCase))
            {
                kept.Add(trimmed);
            }
        }

        return kept.Count == 0 ? null : string.Join(", ", kept);
    }

    // RFC 7541: every field as a literal without indexing and a new name (§6.2.2), strings without Huffman coding (§5.2).
    // Kestrel's decoder needs nothing more, and nothing here is worth a dynamic table.
    private static byte[] HeaderBlock(HttpRequest request)
    {
        var block = new ArrayBufferWriter<byte>(256);
        WriteField(block, ":method", request.Method);
        WriteField(block, ":scheme", "http");
        string target = TargetOf(request);
        WriteField(block, ":path", target);
        if (request.Headers.Host is { Count: > 0 } host)
        {
            WriteField(block, ":authority", host[0]!);
        }

        foreach (KeyValuePair<string, StringValues> header in request.Headers)
        {
            bool trailersTe = header.Key.Equals("TE", StringComparison.OrdinalIgnoreCase) && header.Value == "trailers";
            if (s_connectionSpecific.Contains(header.Key) && !trailersTe)
            {
                continue;
            }

            string name = header.Key.ToLowerInvariant();
            foreach (string? value in header.Value)
            {
                WriteField(block, name, value ?? string.Empty);
            }
        }

        return block.WrittenSpan.ToArray();
    }

    private static void WriteField(ArrayBufferWriter<byte> block, string name, string value)
    {
        block.Write<byte>([0x00]);
        WriteString(block, name);
        WriteString(block, value);
    }

    private static void WriteString(ArrayBufferWriter<byte> block, string value)
    {
        int length = Encoding.Latin1.GetByteCount(value);
        WriteInteger(block, length, 7);
        Encoding.Latin1.GetBytes(value, block.GetSpan(length));
        block.Advance(length);
    }

    // RFC 7541 §5.1: an integer with an N-bit prefix (the high bit of the prefix byte is H = 0, no Huffman).
    private static void WriteInteger(ArrayBufferWriter<byte> block, int value, int prefixBits)
    {
        int max = (1 << prefixBits) - 1;
        if (value < max)
        {
            block.Write<byte>([(byte)value]);
            return;
        }

        block.Write<byte>([(byte)max]);
        value -= max;
        while (value >= 128)
        {
            block.Write<byte>([(byte)((value % 128) + 128)]);
            value /= 128;
        }

        block.Write<byte>([(byte)value]);
    }

    private static void WriteFrameHeader(ArrayBufferWriter<byte> output, int length, byte type, byte flags, int stream)
    {
        Span<byte> header = output.GetSpan(9);
        header[0] = (byte)(length >> 16);
        header[1] = (byte)(length >> 8);
        header[2] = (byte)length;
        header[3] = type;
        header[4] = flags;
        BinaryPrimitives.WriteUInt32BigEndian(header.Slice(5), (uint)stream);
        output.Advance(9);
    }
}
