using System;
using System.Net;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Connections;

namespace HttpUpgrade.AspNetCore.Connections;

/// <summary>
/// The transport behind the re-entry endpoints: it accepts no socket, only the connections that the upgrade code pushes
/// after a 101 (or after recognising the HTTP/2 preface), so that Kestrel's own HTTP/1.1-over-TLS and HTTP/2 engines
/// serve them. Kestrel picks it for <see cref="ReentryEndPoint"/> alone (<see cref="IConnectionListenerFactorySelector"/>).
/// </summary>
internal sealed class ReentryListenerFactory : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    private readonly Channel<ConnectionContext> _tls = Channel.CreateUnbounded<ConnectionContext>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<ConnectionContext> _http2 = Channel.CreateUnbounded<ConnectionContext>(new UnboundedChannelOptions { SingleReader = true });
    private int _bound;

    /// <summary>Whether Kestrel has bound the re-entry endpoints, so that pushed connections will be served.</summary>
    public bool IsBound(ReentryKind kind) => (Volatile.Read(ref _bound) & (1 << (int)kind)) != 0;

    public bool CanBind(EndPoint endpoint) => endpoint is ReentryEndPoint;

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        if (endpoint is not ReentryEndPoint reentry)
        {
            throw new NotSupportedException($"{endpoint} is not an HttpUpgrade re-entry endpoint.");
        }

        Interlocked.Or(ref _bound, 1 << (int)reentry.Kind);
        return new ValueTask<IConnectionListener>(new Listener(reentry, ChannelOf(reentry.Kind)));
    }

    /// <summary>Hands <paramref name="connection"/> to Kestrel, as if the endpoint of <paramref name="kind"/> had accepted it.</summary>
    public bool TryPush(ReentryKind kind, ConnectionContext connection) => ChannelOf(kind).Writer.TryWrite(connection);

    private Channel<ConnectionContext> ChannelOf(ReentryKind kind) => kind == ReentryKind.Tls ? _tls : _http2;

    private sealed class Listener(ReentryEndPoint endpoint, Channel<ConnectionContext> connections) : IConnectionListener
    {
        private readonly CancellationTokenSource _unbound = new();

        public EndPoint EndPoint => endpoint;

        public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
        {
            using CancellationTokenSource stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _unbound.Token);
            try
            {
                return await connections.Reader.ReadAsync(stop.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or ChannelClosedException)
            {
                // Kestrel reads null as "the listener is done".
                return null;
            }
        }

        public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
        {
            // The server is stopping: no connection is accepted from now on, and one pushed but not yet accepted ends here.
            connections.Writer.TryComplete();
            _unbound.Cancel();
            while (connections.Reader.TryRead(out ConnectionContext? pending))
            {
                pending.Abort(new ConnectionAbortedException("The server is shutting down."));
            }

            return default;
        }

        public ValueTask DisposeAsync()
        {
            _unbound.Cancel();
            _unbound.Dispose();
            return default;
        }
    }
}
