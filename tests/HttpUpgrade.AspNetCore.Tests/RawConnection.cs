using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace HttpUpgrade.AspNetCore.Tests;

/// <summary>A response head exactly as it came off the wire, with its field lines in order and duplicates kept.</summary>
public sealed class RawResponseHead(string text, string statusLine, IReadOnlyList<KeyValuePair<string, string>> fields)
{
    /// <summary>The head as received, CRLFs included, without the blank line that ends it.</summary>
    public string Text { get; } = text;

    public string StatusLine { get; } = statusLine;

    /// <summary>The status line's HTTP-version, e.g. <c>HTTP/1.1</c>.</summary>
    public string HttpVersion => StatusLine.Split(' ')[0];

    /// <summary>The status code; the reason phrase after it is not part of the protocol (RFC 9112 §4).</summary>
    public int StatusCode => int.Parse(StatusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);

    public IReadOnlyList<KeyValuePair<string, string>> Fields { get; } = fields;

    /// <summary>The values of every field line named <paramref name="name"/> (case-insensitively), in order.</summary>
    public string[] Values(string name)
        => Fields.Where(f => f.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(f => f.Value).ToArray();

    public override string ToString() => Text;
}

/// <summary>
/// A bare TCP connection to the test server: the test writes exact bytes and reads exact bytes back, with nothing
/// in between that could repair a malformed message.
/// </summary>
public sealed class RawConnection : IAsyncDisposable
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private RawConnection(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    public static async Task<RawConnection> OpenAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        return new RawConnection(socket);
    }

    /// <summary>Sends <paramref name="head"/> (CRLF line ends, ASCII) and <paramref name="after"/> in one write.</summary>
    public async Task SendAsync(string head, ReadOnlyMemory<byte> after = default)
    {
        byte[] bytes = new byte[head.Length + after.Length];
        Encoding.ASCII.GetBytes(head, bytes);
        after.CopyTo(bytes.AsMemory(head.Length));
        await _stream.WriteAsync(bytes);
    }

    public ValueTask SendAsync(ReadOnlyMemory<byte> bytes) => _stream.WriteAsync(bytes);

    /// <summary>The connection's stream, for a client that takes it over after a 101 (TLS); nothing may be left unread.</summary>
    public System.IO.Stream TakeStream()
    {
        if (_end > _start)
        {
            throw new InvalidOperationException("Bytes the server sent after the head are still buffered.");
        }

        return _stream;
    }

    /// <summary>Resets the connection (TCP RST), as a client that crashes or is killed does.</summary>
    public void Reset()
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Close();
    }

    /// <summary>Ends the client's side of the connection (TCP FIN); the server can still send.</summary>
    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>Reads up to and including the blank line that ends a response head, and parses it.</summary>
    public async Task<RawResponseHead> ReadHeadAsync()
    {
        while (true)
        {
            int end = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                string text = Encoding.ASCII.GetString(_buffer, _start, end + 2);
                _start += end + 4;
                string[] lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
                var fields = new List<KeyValuePair<string, string>>();
                foreach (string line in lines.Skip(1))
                {
                    int colon = line.IndexOf(':', StringComparison.Ordinal);
                    fields.Add(new(line[..colon], line[(colon + 1)..].Trim(' ', '\t')));
                }

                return new RawResponseHead(text, lines[0], fields);
            }

            if (await FillAsync() == 0)
            {
                throw new EndOfStreamException($"The connection closed before the response head ended. Received: {Encoding.ASCII.GetString(_buffer, _start, _end - _start)}");
            }
        }
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes.</summary>
    public async Task<byte[]> ReadExactlyAsync(int count)
    {
        while (_end - _start < count)
        {
            if (await FillAsync() == 0)
            {
                throw new EndOfStreamException($"Expected {count} bytes, the connection closed after {_end - _start}.");
            }
        }

        byte[] bytes = _buffer.AsSpan(_start, count).ToArray();
        _start += count;
        return bytes;
    }

    /// <summary>Reads the body of <paramref name="head"/>, which must declare its Content-Length.</summary>
    public async Task<string> ReadBodyAsync(RawResponseHead head)
    {
        int length = int.Parse(head.Values("Content-Length").Single(), System.Globalization.CultureInfo.InvariantCulture);
        return Encoding.UTF8.GetString(await ReadExactlyAsync(length));
    }

    /// <summary>Reads until the server closes the connection and returns whatever arrived.</summary>
    public async Task<byte[]> ReadToEndAsync()
    {
        while (await FillAsync() > 0)
        {
        }

        byte[] rest = _buffer.AsSpan(_start, _end - _start).ToArray();
        _start = _end;
        return rest;
    }

    /// <summary>The bytes received but not read yet.</summary>
    public byte[] Remaining()
    {
        byte[] rest = _buffer.AsSpan(_start, _end - _start).ToArray();
        _start = _end;
        return rest;
    }

    public async ValueTask DisposeAsync() => await _stream.DisposeAsync();

    private async Task<int> FillAsync()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            throw new InvalidDataException("The test read buffer is full.");
        }

        using var timeout = new CancellationTokenSource(ReadTimeout);
        int read = await _stream.ReadAsync(_buffer.AsMemory(_end), timeout.Token);
        _end += read;
        return read;
    }
}
