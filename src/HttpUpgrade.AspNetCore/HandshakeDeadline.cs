using System;
using System.Threading;

namespace HttpUpgrade.AspNetCore;

/// <summary>
/// Bounds one handshake: unless <see cref="TryComplete"/> is called within the timeout, <c>onExpired</c> runs once (it
/// aborts the connection). Completing and expiring race safely: exactly one of them wins, and the loser sees it.
/// </summary>
/// <remarks>
/// One timer per handshake, disposed as soon as the handshake ends, so a server holding many upgraded connections has
/// timers only for those still negotiating. Kestrel bounds its own TLS handshake the same way (a cancellation source
/// per connection), not with its per-request heartbeat, which does not reach past the 101.
/// </remarks>
internal sealed class HandshakeDeadline : IDisposable
{
    private const int Running = 0;
    private const int Completed = 1;
    private const int Expired = 2;

    private readonly Action<object?> _onExpired;
    private readonly object? _state;
    private readonly ITimer? _timer;
    private int _status;

    private HandshakeDeadline(TimeSpan timeout, Action<object?> onExpired, object? state, TimeProvider time)
    {
        _onExpired = onExpired;
        _state = state;
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            _timer = time.CreateTimer(static deadline => ((HandshakeDeadline)deadline!).Expire(), this, timeout, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Whether the timeout passed before the handshake completed (and <c>onExpired</c> ran).</summary>
    public bool HasExpired => Volatile.Read(ref _status) == Expired;

    /// <summary>Starts a deadline of <paramref name="timeout"/> (<see cref="Timeout.InfiniteTimeSpan"/>: none).</summary>
    public static HandshakeDeadline Start(TimeSpan timeout, Action<object?> onExpired, object? state, TimeProvider? time = null)
        => new(timeout, onExpired, state, time ?? TimeProvider.System);

    /// <summary>Ends the deadline: true when the handshake completed in time, false when it had already expired.</summary>
    public bool TryComplete()
    {
        if (Interlocked.CompareExchange(ref _status, Completed, Running) == Running)
        {
            _timer?.Dispose();
            return true;
        }

        return Volatile.Read(ref _status) == Completed;
    }

    /// <summary>Stops the timer if the handshake ended without completing (a refusal): nothing expires after this.</summary>
    public void Dispose() => TryComplete();

    private void Expire()
    {
        if (Interlocked.CompareExchange(ref _status, Expired, Running) == Running)
        {
            _timer!.Dispose();
            _onExpired(_state);
        }
    }
}
