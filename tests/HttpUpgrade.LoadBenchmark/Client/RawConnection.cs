using System;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace HttpUpgrade.LoadBenchmark;

/// <summary>
/// The client side of one connection over a raw socket: sends pre-encoded bytes, reads the 101 head and server frames
/// into a receive buffer the caller owns (one per worker, reused for every connection), and checks what it reads.
/// </summary>
internal sealed class RawConnection : IDisposable
{
    private static readonly byte[] s_headEnd = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] s_switchingProtocols = "HTTP/1.1 101 "u8.ToArray();
    private static readonly byte[] s_acceptField = "\r\nsec-websocket-accept:"u8.ToArray();

    private readonly byte[] _buffer;
    private int _start;
    private int _end;

    private RawConnection(Socket socket, byte[] buffer)
    {
        Socket = socket;
        _buffer = buffer;
    }

    public Socket Socket { get; }

    public static async ValueTask<RawConnection> ConnectAsync(IPEndPoint server, byte[] buffer, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(server, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new RawConnection(socket, buffer);
    }

    public async ValueTask SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        while (!bytes.IsEmpty)
        {
            int sent = await Socket.SendAsync(bytes, SocketFlags.None, cancellationToken);
            bytes = bytes[sent..];
        }
    }

    /// <summary>Reads up to the end of the response head and checks it is a 101 with the expected <c>Sec-WebSocket-Accept</c>.</summary>
    public async ValueTask ReadSwitchingProtocolsAsync(byte[] expectedAccept, CancellationToken cancellationToken)
    {
        // How far past _start the head was searched without finding its end (FillAsync may move the bytes to the front).
        int scanned = 0;
        int headEnd;
        while (true)
        {
            int found = _buffer.AsSpan(_start + scanned, _end - _start - scanned).IndexOf(s_headEnd);
            if (found >= 0)
            {
                headEnd = _start + scanned + found + s_headEnd.Length;
                break;
            }

            scanned = Math.Max(0, _end - _start - (s_headEnd.Length - 1));
            await FillAsync(cancellationToken);
        }

        ReadOnlySpan<byte> head = _buffer.AsSpan(_start, headEnd - _start);
        _start = headEnd;
        CheckSwitchingProtocols(head, expectedAccept);
    }

    /// <summary>Reads the next data frame (control frames other than close are skipped) and checks it is <paramref name="expected"/> as one text frame.</summary>
    public async ValueTask ReadTextFrameAsync(byte[] expected, CancellationToken cancellationToken)
    {
        (byte opcode, int payloadStart, int payloadLength) = await ReadFrameAsync(cancellationToken);
        if (opcode != 0x1 || !_buffer.AsSpan(payloadStart, payloadLength).SequenceEqual(expected))
        {
            throw new InvalidOperationException($"Expected the echoed text frame, got opcode {opcode} with {payloadLength} payload bytes.");
        }
    }

    /// <summary>Reads frames until the server's close frame.</summary>
    public async ValueTask ReadCloseFrameAsync(CancellationToken cancellationToken)
    {
        (byte opcode, _, int payloadLength) = await ReadFrameAsync(cancellationToken);
        if (opcode != 0x8)
        {
            throw new InvalidOperationException($"Expected the server's close frame, got opcode {opcode} with {payloadLength} payload bytes.");
        }
    }

    /// <summary>
    /// RFC 6455 §7.1.1: after the closing handshake the server closes the TCP connection first; waiting for that leaves
    /// the TIME_WAIT state on the server's side, so the client does not run out of ephemeral ports.
    /// </summary>
    public async ValueTask ReadEndOfStreamAsync(CancellationToken cancellationToken)
    {
        while (await Socket.ReceiveAsync(_buffer.AsMemory(), SocketFlags.None, cancellationToken) > 0)
        {
        }

        _start = _end = 0;
    }

    public void Dispose() => Socket.Dispose();

    private async ValueTask<(byte Opcode, int PayloadStart, int PayloadLength)> ReadFrameAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await EnsureAsync(2, cancellationToken);
            byte first = _buffer[_start];
            byte second = _buffer[_start + 1];
            if ((second & 0x80) != 0)
            {
                throw new InvalidOperationException("RFC 6455 §5.1: a server must not mask its frames.");
            }

            int headerLength = 2;
            long length = second & 0x7F;
            if (length == 126)
            {
                headerLength = 4;
                await EnsureAsync(headerLength, cancellationToken);
                length = (_buffer[_start + 2] << 8) | _buffer[_start + 3];
            }
            else if (length == 127)
            {
                throw new InvalidOperationException("The server sent a frame longer than the benchmark's messages.");
            }

            int frameLength = headerLength + (int)length;
            await EnsureAsync(frameLength, cancellationToken);
            int payloadStart = _start + headerLength;
            _start += frameLength;
            byte opcode = (byte)(first & 0x0F);
            if ((first & 0x80) == 0)
            {
                throw new InvalidOperationException("The server fragmented a message the benchmark sent in one frame.");
            }

            // RFC 6455 §5.5.2, §5.5.3: a keep-alive ping or pong may come at any time; neither is the answer awaited.
            if (opcode is 0x9 or 0xA)
            {
                continue;
            }

            return (opcode, payloadStart, (int)length);
        }
    }

    private async ValueTask EnsureAsync(int count, CancellationToken cancellationToken)
    {
        while (_end - _start < count)
        {
            await FillAsync(cancellationToken);
        }
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            throw new InvalidOperationException($"The server sent more than {_buffer.Length} bytes the benchmark cannot place.");
        }

        int received = await Socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
        if (received == 0)
        {
            throw new InvalidOperationException("The server closed the connection early.");
        }

        _end += received;
    }

    private static void CheckSwitchingProtocols(ReadOnlySpan<byte> head, ReadOnlySpan<byte> expectedAccept)
    {
        if (!head.StartsWith(s_switchingProtocols))
        {
            throw new InvalidOperationException("Expected 101 Switching Protocols, got: " + FirstLine(head));
        }

        // Field names are case-insensitive (RFC 9110 §5.1); the search runs on a lower-cased copy of the head.
        Span<byte> lower = head.Length <= 1024 ? stackalloc byte[head.Length] : new byte[head.Length];
        for (int i = 0; i < head.Length; i++)
        {
            byte b = head[i];
            lower[i] = b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b + 32) : b;
        }

        int field = lower.IndexOf(s_acceptField);
        if (field < 0)
        {
            throw new InvalidOperationException("The 101 has no Sec-WebSocket-Accept field.");
        }

        ReadOnlySpan<byte> value = head[(field + s_acceptField.Length)..];
        value = value[..value.IndexOf("\r\n"u8)].Trim((byte)' ');
        if (!value.SequenceEqual(expectedAccept))
        {
            throw new InvalidOperationException($"Sec-WebSocket-Accept is '{Encoding.ASCII.GetString(value)}', expected '{Encoding.ASCII.GetString(expectedAccept)}'.");
        }
    }

    private static string FirstLine(ReadOnlySpan<byte> head)
    {
        int end = head.IndexOf("\r\n"u8);
        return Encoding.ASCII.GetString(end < 0 ? head : head[..end]);
    }
}
