using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace HttpUpgrade.AspNetCore;

/// <summary>
/// The upgraded connection as a WebSocket sees it: disposing it also cancels a read in progress. A WebSocket that aborts
/// itself (a keep-alive ping left unanswered, <see cref="System.Net.WebSockets.WebSocket.Abort"/>) disposes its stream,
/// but Kestrel's upgraded stream does not end a pending read on dispose, so without this the handler's receive would
/// wait for bytes from a client already given up on.
/// </summary>
/// <remarks>
/// Every read runs under one token of the connection's own (<paramref name="reads"/>: the runner passes the source of
/// the handler's own token, so the receive loop's token needs no link, and a WebSocket that gives up also tells the
/// handler). Another caller's token is linked to it once, when first seen, not per read: a WebSocket passes the same
/// token to every read of a receive loop, and a cancelled read aborts the WebSocket anyway, so cancelling the
/// connection's reads for good is what it would do next. Reads allocate nothing.
/// </remarks>
internal sealed class AbortableTransport(Stream inner, CancellationTokenSource reads) : Stream
{
    private readonly CancellationTokenSource _reads = reads;

    // Read once: a disposed source's Token property throws, and the runner disposes it when the handler ends.
    private readonly CancellationToken _readsToken = reads.Token;
    private int _disposed;
    private CancellationToken _linked;
    private CancellationTokenRegistration _linkedRegistration;

    /// <summary>A transport with a token source of its own.</summary>
    public AbortableTransport(Stream inner)
        : this(inner, new CancellationTokenSource())
    {
    }

    public override bool CanRead => inner.CanRead;

    public override bool CanWrite => inner.CanWrite;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.CanBeCanceled && cancellationToken != _linked && cancellationToken != _readsToken)
        {
            Link(cancellationToken);
        }

        return inner.ReadAsync(buffer, _readsToken);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        => inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _linkedRegistration.Dispose();
            CancelReads();
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Link(CancellationToken cancellationToken)
    {
        _linkedRegistration.Dispose();
        _linked = cancellationToken;
        _linkedRegistration = cancellationToken.UnsafeRegister(static state => ((AbortableTransport)state!).CancelReads(), this);
    }

    private void CancelReads()
    {
        try
        {
            _reads.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The connection's source, disposed when its handler ended: there is no read left to end.
        }
    }
}
