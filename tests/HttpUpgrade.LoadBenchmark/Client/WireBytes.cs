using System;
using System.Security.Cryptography;
using System.Text;

namespace HttpUpgrade.LoadBenchmark;

/// <summary>
/// Everything the client sends, encoded before any run starts: a pool of RFC 6455 opening handshakes, each with its own
/// random key, the <c>Sec-WebSocket-Accept</c> value that key must get back, and its own masked message frame; and one
/// masked close frame. The hot loop only copies these bytes to sockets.
/// </summary>
internal sealed class WireBytes
{
    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    public WireBytes(string host, string path, int poolSize = 256)
    {
        Payload = Encoding.UTF8.GetBytes("hello, upgraded world");
        Handshakes = new Handshake[poolSize];
        for (int i = 0; i < poolSize; i++)
        {
            // RFC 6455 §4.1: the key is 16 random bytes, base64-encoded.
            string key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            string accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + AcceptGuid)));
            byte[] request = Encoding.ASCII.GetBytes(
                $"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                + $"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {key}\r\n\r\n");
            Handshakes[i] = new Handshake(request, Encoding.ASCII.GetBytes(accept), MaskedFrame(0x1, Payload));
        }

        // RFC 6455 §5.5.1: a close frame's body starts with a two-byte status code, here 1000 (normal closure).
        CloseFrame = MaskedFrame(0x8, [0x03, 0xE8]);
        StatsRequest = Encoding.ASCII.GetBytes($"GET /stats HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
        StatsWithCollectionRequest = Encoding.ASCII.GetBytes($"GET /stats?gc HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    }

    public Handshake[] Handshakes { get; }

    /// <summary>The text message sent after each handshake; the server must echo it unchanged.</summary>
    public byte[] Payload { get; }

    public byte[] CloseFrame { get; }

    public byte[] StatsRequest { get; }

    public byte[] StatsWithCollectionRequest { get; }

    /// <summary>RFC 6455 §5.2 and §5.3: a final frame, masked as every client-to-server frame must be, with a random mask.</summary>
    private static byte[] MaskedFrame(byte opcode, byte[] payload)
    {
        if (payload.Length > 125)
        {
            throw new ArgumentOutOfRangeException(nameof(payload), "The benchmark sends only frames with a 7-bit length.");
        }

        byte[] frame = new byte[2 + 4 + payload.Length];
        frame[0] = (byte)(0x80 | opcode);
        frame[1] = (byte)(0x80 | payload.Length);
        RandomNumberGenerator.Fill(frame.AsSpan(2, 4));
        for (int i = 0; i < payload.Length; i++)
        {
            frame[6 + i] = (byte)(payload[i] ^ frame[2 + (i % 4)]);
        }

        return frame;
    }

    /// <summary>One pre-encoded opening handshake, the accept value it must get back, and the message sent after it.</summary>
    internal sealed record Handshake(byte[] Request, byte[] ExpectedAccept, byte[] MessageFrame);
}
