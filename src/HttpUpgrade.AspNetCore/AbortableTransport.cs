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
internal sealed class AbortableTransport(Stream inner) : Stream
{
    private readonly CancellationTokenSource _disposed = new();

    public override bool CanRead => inner.CanRead;

    public override bool CanWrite => inner.CanWrite;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!cancellationToken.CanBeCanceled)
        {
            return await inner.ReadAsync(buffer, _disposed.Token);
        }

        using CancellationTokenSource linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
        return await inner.ReadAsync(buffer, linked.Token);
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
        if (disposing && !_disposed.IsCancellationRequested)
        {
            _disposed.Cancel();
            inner.Dispose();
            _disposed.Dispose();
        }

        base.Dispose(disposing);
    }
}
