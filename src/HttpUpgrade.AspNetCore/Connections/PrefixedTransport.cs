using System;
using System.Buffers;
using System.IO;
using System.IO.Pipelines;
using System.Threading.Tasks;

namespace HttpUpgrade.AspNetCore.Connections;

/// <summary>
/// A transport whose input starts with bytes put in front of the peer's (a replayed request head), then carries the
/// peer's; output is the transport's own.
/// </summary>
internal sealed class PrefixedTransport : IDuplexPipe
{
    public PrefixedTransport(ReadOnlyMemory<byte> prefix, IDuplexPipe inner)
    {
        var pipe = new Pipe(new PipeOptions(useSynchronizationContext: false));
        pipe.Writer.Write(prefix.Span);
        _ = PumpAsync(inner.Input, pipe.Writer);
        Input = pipe.Reader;
        Output = inner.Output;
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    private static async Task PumpAsync(PipeReader source, PipeWriter destination)
    {
        Exception? failure = null;
        try
        {
            await destination.FlushAsync();
            await source.CopyToAsync(destination);
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            failure = exception;
        }
        finally
        {
            await destination.CompleteAsync(failure);
            await source.CompleteAsync();
        }
    }
}
