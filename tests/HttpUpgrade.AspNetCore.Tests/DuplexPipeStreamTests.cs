using System;
using System.IO;
using System.IO.Pipelines;
using System.Threading;
using System.Threading.Tasks;
using HttpUpgrade.AspNetCore.FastPath;
using Xunit;

namespace HttpUpgrade.AspNetCore.Tests;

/// <summary>The fast path's stream over a connection's pipes: a read that waits completes without an allocation of its own.</summary>
public sealed class DuplexPipeStreamTests
{
    [Fact]
    public void ReadsThatWait_AllocateNothing_AndReturnWhatWasWritten()
    {
        // Inline schedulers: the writer's flush completes the waiting read on this thread, so this thread's allocations
        // are all the reads'.
        var options = new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false);
        var input = new Pipe(options);
        var output = new Pipe(options);
        using var stream = new DuplexPipeStream(new DuplexPipe(input.Reader, output.Writer));
        byte[] message = [1, 2, 3, 4, 5];
        byte[] buffer = new byte[16];
        using var token = new CancellationTokenSource();

        int ReadOnce()
        {
            ValueTask<int> read = stream.ReadAsync(buffer.AsMemory(), token.Token);
            Assert.False(read.IsCompleted);
            Assert.True(input.Writer.WriteAsync(message).IsCompletedSuccessfully);
            Assert.True(read.IsCompletedSuccessfully);
            return read.Result;
        }

        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(message.Length, ReadOnce());
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        int total = 0;
        for (int i = 0; i < 1_000; i++)
        {
            total += ReadOnce();
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(1_000 * message.Length, total);
        Assert.Equal(0, allocated);
        Assert.Equal(message, buffer[..message.Length]);
    }

    [Fact]
    public async Task AWaitingRead_EndsWithZeroAtTheEndOfTheStream_AndFailsWhenCancelled()
    {
        var input = new Pipe();
        var output = new Pipe();
        using var stream = new DuplexPipeStream(new DuplexPipe(input.Reader, output.Writer));

        using var token = new CancellationTokenSource();
        ValueTask<int> cancelled = stream.ReadAsync(new byte[4].AsMemory(), token.Token);
        Assert.False(cancelled.IsCompleted);
        await token.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await cancelled);

        ValueTask<int> pending = stream.ReadAsync(new byte[4].AsMemory());
        Assert.False(pending.IsCompleted);
        await input.Writer.CompleteAsync();
        Assert.Equal(0, await pending);
    }

    [Fact]
    public async Task ASecondReadWhileOneWaits_Fails()
    {
        var input = new Pipe();
        var output = new Pipe();
        using var stream = new DuplexPipeStream(new DuplexPipe(input.Reader, output.Writer));

        // The pipe refuses it, so the one source the stream holds for a waiting read is never taken twice.
        ValueTask<int> first = stream.ReadAsync(new byte[4].AsMemory());
        Assert.False(first.IsCompleted);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => _ = await stream.ReadAsync(new byte[4].AsMemory()));
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input => input;

        public PipeWriter Output => output;
    }
}
