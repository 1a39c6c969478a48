using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Pipelines;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using System.Buffers;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;

namespace HttpUpgrade.AspNetCore.Connections;

/// <summary>
/// An upgraded connection as Kestrel's re-entry endpoint accepts it: the client's bytes (after any that the upgrade
/// code puts in front of them), the client's and server's addresses, and the original connection's id, so logs,
/// <c>HttpContext.Connection</c> and rate limiting see the real client. <see cref="Completion"/> ends when Kestrel is
/// done with it; the code that pushed it keeps the original connection open until then.
/// </summary>
internal sealed class ReentryConnection : ConnectionContext, IConnectionEndPointFeature, IConnectionLifetimeFeature
{
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _closed = new();
    private readonly IDisposable? _owned;

    /// <summary>A connection over <paramref name="transport"/>, the original connection's pipes (prior-knowledge HTTP/2).</summary>
    public ReentryConnection(string connectionId, EndPoint? remote, EndPoint? local, IDuplexPipe transport, IDisposable? owned = null)
    {
        ConnectionId = connectionId;
        RemoteEndPoint = remote;
        LocalEndPoint = local;
        Transport = transport;
        _owned = owned;
        Features = new FeatureCollection();
        Features.Set<IConnectionEndPointFeature>(this);
        Features.Set<IConnectionLifetimeFeature>(this);
        ConnectionClosed = _closed.Token;
    }

    /// <summary>
    /// A connection over <paramref name="stream"/> (what <c>IHttpUpgradeFeature.UpgradeAsync</c> returned), whose first bytes
    /// read are <paramref name="prefix"/> and then the stream's.
    /// </summary>
    public static ReentryConnection FromStream(string connectionId, EndPoint? remote, EndPoint? local, Stream stream, ReadOnlyMemory<byte> prefix)
    {
        PipeReader input;
        if (prefix.IsEmpty)
        {
            input = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
        }
        else
        {
            // The prefix, then the client's bytes, through one pipe: a copy per read, paid only by the rare connection
            // that switched to TLS or h2c, for a reader that is exactly Kestrel's own.
            var pipe = new Pipe(new PipeOptions(useSynchronizationContext: false));
            pipe.Writer.Write(prefix.Span);
            _ = PumpAsync(stream, pipe.Writer);
            input = pipe.Reader;
        }

        var transport = new DuplexPipe(input, PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true)));
        return new ReentryConnection(connectionId, remote, local, transport, stream);
    }

    private static async Task PumpAsync(Stream stream, PipeWriter writer)
    {
        Exception? failure = null;
        try
        {
            await writer.FlushAsync();
            await stream.CopyToAsync(writer);
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException or OperationCanceledException or ConnectionAbortedException or ConnectionResetException)
        {
            failure = exception;
        }
        finally
        {
            await writer.CompleteAsync(failure);
        }
    }

    /// <summary>Ends when Kestrel has finished with the connection (disposed or aborted it).</summary>
    public Task Completion => _completion.Task;

    public override string ConnectionId { get; set; }

    public override IFeatureCollection Features { get; }

    public override IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();

    public override IDuplexPipe Transport { get; set; }

    public override EndPoint? LocalEndPoint { get; set; }

    public override EndPoint? RemoteEndPoint { get; set; }

    public override void Abort(ConnectionAbortedException abortReason)
    {
        _closed.Cancel();
        Transport.Input.CancelPendingRead();
        _owned?.Dispose();
        _completion.TrySetResult();
    }

    public override ValueTask DisposeAsync()
    {
        _closed.Cancel();
        _owned?.Dispose();
        _completion.TrySetResult();
        return default;
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input => input;

        public PipeWriter Output => output;
    }
}
