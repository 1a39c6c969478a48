using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace HttpUpgrade.AspNetCore.Tests;

/// <summary>The stream under every WebSocket: reads allocate nothing, and both disposal and a caller's token end a read.</summary>
public sealed class AbortableTransportTests
{
    [Fact]
    public async Task Reads_WithTheSameCancellableToken_AllocateNothing()
    {
        using var caller = new CancellationTokenSource();
        using var transport = new AbortableTransport(new EndlessStream());
        byte[] buffer = new byte[16];

        // The first read links the caller's token (once per connection); warm up the JIT with it.
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(buffer.Length, await transport.ReadAsync(buffer.AsMemory(), caller.Token));
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        int total = 0;
        for (int i = 0; i < 1_000; i++)
        {
            // The inner stream completes synchronously, so awaiting adds no state machine of its own.
            total += await transport.ReadAsync(buffer.AsMemory(), caller.Token);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(1_000 * buffer.Length, total);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public async Task Dispose_EndsAPendingRead()
    {
        var inner = new PendingStream();
        var transport = new AbortableTransport(inner);
        ValueTask<int> read = transport.ReadAsync(new byte[1].AsMemory(), CancellationToken.None);
        Assert.False(read.IsCompleted);

        transport.Dispose();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await read);
        Assert.True(inner.Disposed);
    }

    [Fact]
    public async Task CancellingTheCallersToken_EndsAPendingRead()
    {
        using var caller = new CancellationTokenSource();
        using var transport = new AbortableTransport(new PendingStream());
        ValueTask<int> read = transport.ReadAsync(new byte[1].AsMemory(), caller.Token);
        Assert.False(read.IsCompleted);

        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await read);
    }

    /// <summary>Every read completes at once with a full buffer.</summary>
    private sealed class EndlessStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(buffer.Length);

        public override int Read(byte[] buffer, int offset, int count) => count;

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>A read waits until its token is cancelled, as Kestrel's upgraded stream waits for bytes; disposing does not end it.</summary>
    private sealed class PendingStream : Stream
    {
        public bool Disposed { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
