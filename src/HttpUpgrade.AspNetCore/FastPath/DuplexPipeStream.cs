using System;
using System.Buffers;
using System.IO;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;

namespace HttpUpgrade.AspNetCore.FastPath;

/// <summary>
/// The connection after a fast-path 101, as a stream: reads take from the connection's input pipe (bytes the client
/// pipelined behind the head first), writes go to its output pipe and are flushed. The connection itself stays
/// Kestrel's: it completes the pipes and closes the socket when the fast path returns.
/// </summary>
/// <remarks>
/// A read that has to wait completes through this object (<see cref="IValueTaskSource{TResult}"/>) rather than an async
/// method, so a connection that waits for every message allocates nothing per read: a WebSocket reads one message at a
/// time, and the pipe refuses a second read while one is pending, so one source per stream is enough.
/// </remarks>
internal sealed class DuplexPipeStream : Stream, IValueTaskSource<int>
{
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly Action _onReadCompleted;
    private ManualResetValueTaskSourceCore<int> _read;
    private ValueTaskAwaiter<ReadResult> _pending;
    private Memory<byte> _destination;
    private CancellationToken _readToken;

    public DuplexPipeStream(IDuplexPipe pipe)
    {
        _input = pipe.Input;
        _output = pipe.Output;
        _onReadCompleted = OnReadCompleted;
    }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            while (true)
            {
                ValueTask<ReadResult> read = _input.ReadAsync(cancellationToken);
                if (!read.IsCompleted)
                {
                    _destination = buffer;
                    _readToken = cancellationToken;
                    _read.Reset();
                    _pending = read.GetAwaiter();
                    _pending.UnsafeOnCompleted(_onReadCompleted);
                    return new ValueTask<int>(this, _read.Version);
                }

                if (TryTake(read.Result, buffer.Span, out int count))
                {
                    return new ValueTask<int>(count);
                }
            }
        }
        catch (Exception exception)
        {
            return ValueTask.FromException<int>(exception);
        }
    }

    int IValueTaskSource<int>.GetResult(short token) => _read.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<int>.GetStatus(short token) => _read.GetStatus(token);

    void IValueTaskSource<int>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _read.OnCompleted(continuation, state, token, flags);

    private void OnReadCompleted()
    {
        try
        {
            ReadResult result = _pending.GetResult();
            while (true)
            {
                if (TryTake(result, _destination.Span, out int count))
                {
                    EndRead();
                    _read.SetResult(count);
                    return;
                }

                ValueTask<ReadResult> read = _input.ReadAsync(_readToken);
                if (!read.IsCompleted)
                {
                    _pending = read.GetAwaiter();
                    _pending.UnsafeOnCompleted(_onReadCompleted);
                    return;
                }

                result = read.Result;
            }
        }
        catch (Exception exception)
        {
            EndRead();
            _read.SetException(exception);
        }
    }

    private void EndRead()
    {
        _pending = default;
        _destination = default;
        _readToken = default;
    }

    /// <summary>
    /// Copies what <paramref name="result"/> holds into <paramref name="destination"/>: true with the count when the read
    /// is answered (0 at the end of the stream), false when the pipe held nothing and must be read again.
    /// </summary>
    private bool TryTake(in ReadResult result, Span<byte> destination, out int count)
    {
        ReadOnlySequence<byte> available = result.Buffer;
        if (result.IsCanceled)
        {
            _input.AdvanceTo(available.Start);
            throw new OperationCanceledException("The read was cancelled.");
        }

        if (!available.IsEmpty || destination.IsEmpty)
        {
            count = (int)Math.Min(available.Length, destination.Length);
            available.Slice(0, count).CopyTo(destination);
            _input.AdvanceTo(available.GetPosition(count));
            return true;
        }

        _input.AdvanceTo(available.End);
        count = 0;
        return result.IsCompleted;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ValueTask<FlushResult> flush = _output.WriteAsync(buffer, cancellationToken);
        if (flush.IsCompletedSuccessfully)
        {
            flush.GetAwaiter().GetResult();
            return default;
        }

        return AwaitFlushAsync(flush);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) => _output.FlushAsync(cancellationToken).AsTask();

    public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask AwaitFlushAsync(ValueTask<FlushResult> flush) => await flush;
}
