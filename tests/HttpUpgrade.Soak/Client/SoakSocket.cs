using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Linq;
using System.Net.Http;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;

namespace HttpUpgrade.Soak;

/// <summary>
/// One WebSocket of the soak: a <see cref="ClientWebSocket"/> that sends a checksummed message on a fixed schedule and
/// checks every echo against what it sent, in order. Each message is binary:
/// <c>socket index (u32) | sequence (u64) | payload length (u32) | SHA-256 of the payload (32 bytes) | payload</c>,
/// big-endian. The echo must be byte-for-byte that message, so a wrong sequence, a foreign socket index, a length or
/// checksum mismatch, or a payload that no longer hashes to its checksum is counted as corrupted.
/// </summary>
internal sealed class SoakSocket : IDisposable
{
    private const int HeaderLength = 4 + 8 + 4 + 32;
    private const byte Compressible = 0;

    // Text-like bytes deflate well; random bytes do not. Half the payloads are each, so the deflate share compresses
    // for real and also handles the incompressible case (RFC 7692 §6.1 lets a sender leave such a message uncompressed).
    private static readonly byte[] s_words = "the quick brown fox jumps over a lazy dog while upgraded sockets echo "u8.ToArray();

    private readonly ClientWebSocket _socket = new();
    private readonly int _index;
    private readonly int _maxPayload;
    private readonly ConcurrentQueue<Sent> _inFlight = new();
    private Task _receiving = Task.CompletedTask;
    private long _nextSequence;
    private long _sent;
    private long _received;
    private long _corrupted;

    public SoakSocket(int index, bool deflate, int maxPayload)
    {
        _index = index;
        _maxPayload = maxPayload;
        Deflate = deflate;
        _socket.Options.CollectHttpResponseDetails = true;
        if (deflate)
        {
            // RFC 7692 §7.1: offer permessage-deflate with the default parameters (15-bit windows, context takeover).
            _socket.Options.DangerousDeflateOptions = new WebSocketDeflateOptions();
        }
    }

    public bool Deflate { get; }

    /// <summary>The opening handshake completed with a 101.</summary>
    public bool ConnectSucceeded { get; private set; }

    /// <summary>Whether the server's 101 accepted the permessage-deflate offer (RFC 7692 §5).</summary>
    public bool DeflateNegotiated { get; private set; }

    public long SentCount => Interlocked.Read(ref _sent);

    public long ReceivedCount => Interlocked.Read(ref _received);

    public long CorruptedCount => Interlocked.Read(ref _corrupted);

    /// <summary>Messages sent whose echo has not arrived (yet); after the close, the lost ones.</summary>
    public int InFlight => _inFlight.Count;

    /// <summary>The first thing that went wrong on this socket, for the report.</summary>
    public string? FirstError { get; private set; }

    /// <summary>The close handshake completed: the server's close frame arrived with 1000 after ours (RFC 6455 §7.1.2).</summary>
    public bool ClosedCleanly { get; private set; }

    public async Task ConnectAsync(Uri uri, HttpMessageInvoker invoker, CancellationToken cancellationToken)
    {
        await _socket.ConnectAsync(uri, invoker, cancellationToken);
        ConnectSucceeded = true;
        if (_socket.HttpResponseHeaders is { } headers
            && headers.TryGetValue("Sec-WebSocket-Extensions", out var extensions)
            && extensions.Any(e => e.Contains("permessage-deflate", StringComparison.OrdinalIgnoreCase)))
        {
            DeflateNegotiated = true;
        }

        // The headers were only needed for the check above; 5,000 sockets need not keep them.
        _socket.HttpResponseHeaders = null;
        _receiving = ReceiveLoopAsync();
    }

    /// <summary>
    /// Sends messages back to back until their payloads add up to <paramref name="bytes"/>. A compressor's window and
    /// hash chains (RFC 7692 §7.1.2: up to 32 KiB of history each way) take memory page by page as data passes through
    /// them; at one message every few seconds that would take minutes, and memory would climb through the warm-up.
    /// </summary>
    public async Task PrimeAsync(int bytes)
    {
        byte[] message = new byte[HeaderLength + _maxPayload];
        long total = 0;
        try
        {
            while (total < bytes)
            {
                int length = Fill(message);
                await _socket.SendAsync(message.AsMemory(0, length), WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
                Interlocked.Increment(ref _sent);
                total += length - HeaderLength;
            }
        }
        catch (Exception exception) when (exception is WebSocketException or System.IO.IOException)
        {
            Fail("send: " + exception.Message);
        }
    }

    /// <summary>Sends one message every <paramref name="interval"/>, the first after <paramref name="offset"/>, until stopped.</summary>
    public async Task SendLoopAsync(TimeSpan offset, TimeSpan interval, CancellationToken stop)
    {
        byte[] message = new byte[HeaderLength + _maxPayload];
        long start = Environment.TickCount64;
        long due = (long)offset.TotalMilliseconds;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                long wait = start + due - Environment.TickCount64;
                if (wait > 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(wait), stop);
                }

                int length = Fill(message);
                await _socket.SendAsync(message.AsMemory(0, length), WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
                Interlocked.Increment(ref _sent);

                // A fixed schedule, not a fixed pause: a late send does not shift the ones after it, and a socket that
                // fell far behind resumes at the next due time instead of sending a burst.
                due += (long)interval.TotalMilliseconds;
                long now = Environment.TickCount64 - start;
                if (due < now)
                {
                    due = now;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception exception) when (exception is WebSocketException or System.IO.IOException)
        {
            Fail("send: " + exception.Message);
        }
    }

    /// <summary>
    /// Sends our close frame with 1000 (RFC 6455 §5.5.1) and waits for the receive loop to read the server's; the
    /// handshake is clean when that frame carries 1000 too and the socket ends in <see cref="WebSocketState.Closed"/>.
    /// </summary>
    public async Task CloseAsync(TimeSpan timeout)
    {
        try
        {
            using var deadline = new CancellationTokenSource(timeout);
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "soak done", deadline.Token);
            await _receiving.WaitAsync(deadline.Token);
            ClosedCleanly = _socket.State == WebSocketState.Closed && _socket.CloseStatus == WebSocketCloseStatus.NormalClosure;
            if (!ClosedCleanly)
            {
                Fail($"close: state {_socket.State}, status {_socket.CloseStatus?.ToString() ?? "none"}");
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or TimeoutException or System.IO.IOException or InvalidOperationException)
        {
            // InvalidOperationException: a send that never completed (a server that stopped reading) is still pending.
            Fail("close: " + exception.Message);
        }
    }

    public void Dispose() => _socket.Dispose();

    private int Fill(byte[] message)
    {
        // Log-uniform sizes from 1 byte to the maximum: mostly small messages, some close to the largest.
        int length = Math.Clamp((int)Math.Exp(Random.Shared.NextDouble() * Math.Log(_maxPayload + 1)), 1, _maxPayload);
        Span<byte> payload = message.AsSpan(HeaderLength, length);
        Random.Shared.NextBytes(payload);
        if (payload[0] % 2 == Compressible)
        {
            for (int i = 0; i < payload.Length; i++)
            {
                payload[i] = s_words[payload[i] % s_words.Length];
            }
        }

        long sequence = ++_nextSequence;
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(0, 4), _index);
        BinaryPrimitives.WriteInt64BigEndian(message.AsSpan(4, 8), sequence);
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(12, 4), length);
        SHA256.HashData(payload, message.AsSpan(16, 32));

        // Queued before the send, so the echo can never arrive before its record.
        _inFlight.Enqueue(new Sent(sequence, length, Convert.ToHexString(message, 16, 32)));
        return HeaderLength + length;
    }

    private async Task ReceiveLoopAsync()
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(HeaderLength + _maxPayload);
        try
        {
            while (true)
            {
                int count = 0;
                bool tooLong = false;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (count == buffer.Length)
                    {
                        // Longer than any message sent: read on to the end of it, then count it as corrupted.
                        tooLong = true;
                        count = 0;
                    }

                    result = await _socket.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None);
                    count += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                Interlocked.Increment(ref _received);
                string? problem = tooLong ? "an echo longer than any message sent" : Check(buffer.AsSpan(0, count), result.MessageType);
                if (problem is not null)
                {
                    Interlocked.Increment(ref _corrupted);
                    Fail(problem);
                }
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or System.IO.IOException)
        {
            Fail("receive: " + exception.Message);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Checks an echo against the oldest message not yet echoed (RFC 6455 keeps a connection's messages in order).</summary>
    private string? Check(ReadOnlySpan<byte> echo, WebSocketMessageType type)
    {
        if (!_inFlight.TryDequeue(out Sent expected))
        {
            return "an echo of a message never sent";
        }

        if (type != WebSocketMessageType.Binary)
        {
            return $"a {type} echo of a binary message";
        }

        if (echo.Length < HeaderLength)
        {
            return $"a {echo.Length}-byte echo, shorter than the header";
        }

        int index = BinaryPrimitives.ReadInt32BigEndian(echo[..4]);
        long sequence = BinaryPrimitives.ReadInt64BigEndian(echo.Slice(4, 8));
        int length = BinaryPrimitives.ReadInt32BigEndian(echo.Slice(12, 4));
        if (index != _index)
        {
            return $"the echo of socket {index}'s message on socket {_index}";
        }

        if (sequence != expected.Sequence)
        {
            return $"message {sequence} echoed where {expected.Sequence} was due";
        }

        if (length != expected.Length || echo.Length != HeaderLength + length)
        {
            return $"message {sequence}: {echo.Length - HeaderLength} payload bytes echoed, {expected.Length} sent";
        }

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(echo[HeaderLength..], hash);
        if (!hash.SequenceEqual(echo.Slice(16, 32)) || Convert.ToHexString(hash) != expected.Checksum)
        {
            return $"message {sequence}: checksum mismatch";
        }

        return null;
    }

    private void Fail(string problem)
    {
        if (FirstError is null)
        {
            FirstError = $"socket {_index}{(Deflate ? " (deflate)" : string.Empty)}: {problem}";
        }
    }

    private readonly record struct Sent(long Sequence, int Length, string Checksum);
}
