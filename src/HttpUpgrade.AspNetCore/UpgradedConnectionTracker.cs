using System;
using System.Collections.Concurrent;
using System.IO;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace HttpUpgrade.AspNetCore;

/// <summary>
/// The upgraded connections of one endpoint, and their shutdown: when the host starts to stop, every open WebSocket
/// gets a 1001 (Going Away) close frame and its handler the close timeout to finish, after which its <c>aborted</c>
/// token is cancelled; raw handlers are cancelled at once. From then on the endpoint takes no new upgrades.
/// </summary>
internal sealed class UpgradedConnectionTracker
{
    private const string GoingAwayDescription = "The server is shutting down.";

    private readonly ConcurrentDictionary<UpgradedConnection, byte> _open = new();
    private readonly TimeSpan _closeTimeout;
    private readonly ILogger _logger;
    private volatile bool _stopping;

    public UpgradedConnectionTracker(TimeSpan closeTimeout, ILogger logger)
    {
        _closeTimeout = closeTimeout;
        _logger = logger;
    }

    /// <summary>Whether the host has started to stop.</summary>
    public bool IsStopping => _stopping;

    /// <summary>Registers a connection; its token is <paramref name="requestAborted"/> linked with the host's shutdown.</summary>
    public UpgradedConnection Open(WebSocket? socket, CancellationToken requestAborted)
    {
        var connection = new UpgradedConnection(this, socket, requestAborted);
        _open.TryAdd(connection, 0);

        // One opened while the host is already stopping is told so at once.
        if (_stopping)
        {
            connection.BeginShutdown();
        }

        return connection;
    }

    /// <summary>Called when the host starts to stop.</summary>
    public void BeginShutdown()
    {
        _stopping = true;
        foreach (UpgradedConnection connection in _open.Keys)
        {
            connection.BeginShutdown();
        }
    }

    /// <summary>
    /// One connection a handler owns: the token it was given, and its WebSocket, if any, so that a shutdown can say
    /// goodbye on it. Disposing it removes it from the tracker.
    /// </summary>
    internal sealed class UpgradedConnection : IDisposable
    {
        private readonly UpgradedConnectionTracker _tracker;
        private readonly WebSocket? _socket;
        private readonly CancellationTokenSource _aborted;
        private int _shuttingDown;

        public UpgradedConnection(UpgradedConnectionTracker tracker, WebSocket? socket, CancellationToken requestAborted)
        {
            _tracker = tracker;
            _socket = socket;
            _aborted = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
            Aborted = _aborted.Token;
        }

        /// <summary>Cancelled when the client goes away, or when the host shuts down (after the close timeout for a WebSocket).</summary>
        public CancellationToken Aborted { get; }

        public void BeginShutdown()
        {
            if (Interlocked.Exchange(ref _shuttingDown, 1) != 0)
            {
                return;
            }

            if (_socket is { } socket)
            {
                _ = SayGoingAwayAsync(socket);
            }
            else
            {
                // A raw protocol has no goodbye this library could send: the handler is told to stop.
                Cancel();
            }
        }

        public void Dispose()
        {
            _tracker._open.TryRemove(this, out _);

            // Mark it so a shutdown that races with the end of the handler leaves the disposed source alone.
            Interlocked.Exchange(ref _shuttingDown, 1);
            _aborted.Dispose();
        }

        private async Task SayGoingAwayAsync(WebSocket socket)
        {
            try
            {
                // RFC 6455 §7.4.1: 1001 "indicates that an endpoint is 'going away', such as a server going down". The
                // handler then sees the client's answering close frame and returns; if it does not in time, its token is cancelled.
                _aborted.CancelAfter(_tracker._closeTimeout);
                await socket.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, GoingAwayDescription, Aborted);
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException or InvalidOperationException)
            {
                Log.CloseFailed(_tracker._logger, exception);
            }
        }

        private void Cancel()
        {
            try
            {
                _aborted.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The handler ended meanwhile.
            }
        }
    }
}
