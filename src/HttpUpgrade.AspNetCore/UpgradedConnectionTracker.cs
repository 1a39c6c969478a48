using System;
using System.IO;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace HttpUpgrade.AspNetCore;

/// <summary>
/// The upgraded connections of one endpoint: how many it may hold (<see cref="TryReserve"/>), and their shutdown. When
/// the host starts to stop, every open WebSocket gets a 1001 (Going Away) close frame and its handler the close timeout
/// to finish, but never longer than three quarters of the host's shutdown timeout, after which its <c>aborted</c> token
/// is cancelled; raw handlers are cancelled at once. From then on the endpoint takes no new upgrades.
/// </summary>
/// <remarks>
/// Every path that upgrades a connection for the endpoint (<c>MapUpgrade</c>'s runner, a connection-level path) calls
/// <see cref="IsStopping"/>, then <see cref="TryReserve"/> before it creates a handler, and <see cref="Release"/> once
/// for each reservation when the handshake fails or the handler returns.
/// </remarks>
internal sealed class UpgradedConnectionTracker
{
    private const string GoingAwayDescription = "The server is shutting down.";

    // Cancelled when the host starts to stop; each open connection holds a registration on it, so the set of open
    // connections is the token's callback list: no collection of their own, and a registration's node is reused.
    private readonly CancellationTokenSource _shutdown = new();
    private readonly TimeSpan _closeTimeout;
    private readonly ILogger _logger;
    private readonly long _limit;
    private long _reserved;

    /// <param name="closeTimeout">How long a WebSocket handler has after the server's 1001 before its token is cancelled.</param>
    /// <param name="hostShutdownTimeout">
    /// The host's <c>HostOptions.ShutdownTimeout</c>, after which Kestrel aborts what is left: the close timeout is
    /// shortened to three quarters of it, so that handlers end on their own first. Infinite when unknown.
    /// </param>
    /// <param name="maxConcurrentConnections">The most connections held at once; null for no limit.</param>
    /// <param name="logger">Where close failures are logged.</param>
    public UpgradedConnectionTracker(TimeSpan closeTimeout, TimeSpan hostShutdownTimeout, long? maxConcurrentConnections, ILogger logger)
    {
        _closeTimeout = ShutdownGrace(closeTimeout, hostShutdownTimeout);
        _limit = maxConcurrentConnections ?? long.MaxValue;
        _logger = logger;
    }

    /// <summary>Whether the host has started to stop.</summary>
    public bool IsStopping => _shutdown.IsCancellationRequested;

    /// <summary>The most connections held at once (<see cref="long.MaxValue"/>: no limit).</summary>
    public long Limit => _limit;

    /// <summary>Connections reserved now: handshakes admitted and handlers still running.</summary>
    public long Reserved => Interlocked.Read(ref _reserved);

    /// <summary>How long a WebSocket handler is given after the server's 1001 when the host stops.</summary>
    public TimeSpan ShutdownCloseTimeout => _closeTimeout;

    /// <summary>
    /// Takes one of the endpoint's connection slots for a handshake about to be carried out; false, taking nothing, when
    /// every slot is in use. Each true must be matched by one <see cref="Release"/>.
    /// </summary>
    public bool TryReserve()
    {
        // A compare-and-swap loop rather than increment-then-check, so a burst over the limit never overshoots it even
        // for a moment (Kestrel's ResourceCounter does the same for its connection limits).
        long reserved = Interlocked.Read(ref _reserved);
        while (reserved < _limit)
        {
            long seen = Interlocked.CompareExchange(ref _reserved, reserved + 1, reserved);
            if (seen == reserved)
            {
                return true;
            }

            reserved = seen;
        }

        return false;
    }

    /// <summary>Gives back a slot taken by <see cref="TryReserve"/>.</summary>
    public void Release()
    {
        long reserved = Interlocked.Decrement(ref _reserved);
        System.Diagnostics.Debug.Assert(reserved >= 0, "Released more connections than were reserved.");
    }

    /// <summary>
    /// The close timeout, capped below the host's shutdown timeout: Kestrel aborts every connection left when that
    /// expires, and a handler cancelled a little earlier can still finish cleanly (log, dispose, answer its client).
    /// </summary>
    internal static TimeSpan ShutdownGrace(TimeSpan closeTimeout, TimeSpan hostShutdownTimeout)
    {
        if (hostShutdownTimeout < TimeSpan.Zero)
        {
            return closeTimeout;
        }

        TimeSpan cap = hostShutdownTimeout * 3 / 4;
        return closeTimeout == Timeout.InfiniteTimeSpan || closeTimeout > cap ? cap : closeTimeout;
    }

    /// <summary>
    /// A connection whose token is cancelled when the client goes away (<paramref name="requestAborted"/>); it takes part
    /// in the host's shutdown once <see cref="UpgradedConnection.Open"/> is called.
    /// </summary>
    public UpgradedConnection Create(CancellationToken requestAborted) => new(this, requestAborted);

    /// <summary>Called when the host starts to stop.</summary>
    public void BeginShutdown()
    {
        // Runs every open connection's BeginShutdown; one opened from now on runs it as it registers.
        _shutdown.Cancel();
    }

    /// <summary>
    /// One connection a handler owns: the token it was given (this source's), and its WebSocket, if any, so that a
    /// shutdown can say goodbye on it. Disposing it takes it out of the tracker.
    /// </summary>
    /// <remarks>
    /// It is its own cancellation source, linked by hand to the client's token, rather than holding a linked source: one
    /// object fewer for every connection.
    /// </remarks>
    internal sealed class UpgradedConnection : CancellationTokenSource
    {
        private readonly UpgradedConnectionTracker _tracker;
        private readonly CancellationTokenRegistration _requestAborted;
        private CancellationTokenRegistration _shutdown;
        private WebSocket? _socket;
        private int _shuttingDown;

        public UpgradedConnection(UpgradedConnectionTracker tracker, CancellationToken requestAborted)
        {
            _tracker = tracker;
            Aborted = Token;
            _requestAborted = requestAborted.UnsafeRegister(static state => ((UpgradedConnection)state!).Cancel(), this);
        }

        /// <summary>Cancelled when the client goes away, or when the host shuts down (after the close timeout for a WebSocket).</summary>
        public CancellationToken Aborted { get; }

        /// <summary>
        /// Joins the host's shutdown, with <paramref name="socket"/> (null for a raw protocol) to say goodbye on. One
        /// opened while the host is already stopping is told so at once.
        /// </summary>
        public void Open(WebSocket? socket)
        {
            _socket = socket;
            _shutdown = _tracker._shutdown.Token.UnsafeRegister(static state => ((UpgradedConnection)state!).BeginShutdown(), this);
        }

        /// <summary>Cancels the connection's token; nothing happens once it is disposed.</summary>
        public new void Cancel()
        {
            try
            {
                base.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The handler ended meanwhile.
            }
        }

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

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                // Unregistering waits for a shutdown callback already running on this connection, so it never sees a
                // disposed source; the mark keeps one that starts later away.
                _shutdown.Dispose();
                _requestAborted.Dispose();
                Interlocked.Exchange(ref _shuttingDown, 1);
            }

            base.Dispose(disposing);
        }

        private async Task SayGoingAwayAsync(WebSocket socket)
        {
            try
            {
                // RFC 6455 §7.4.1: 1001 "indicates that an endpoint is 'going away', such as a server going down". The
                // handler then sees the client's answering close frame and returns; if it does not in time, its token is cancelled.
                CancelAfter(_tracker._closeTimeout);
                await socket.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, GoingAwayDescription, Aborted);
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException or InvalidOperationException)
            {
                Log.CloseFailed(_tracker._logger, exception);
            }
        }
    }
}
