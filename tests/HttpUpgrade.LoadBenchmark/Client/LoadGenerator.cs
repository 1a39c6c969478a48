using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace HttpUpgrade.LoadBenchmark;

/// <summary>
/// Closed-loop load: <c>concurrency</c> loops, each doing one complete upgrade after another until the time is up. One
/// upgrade is connect → handshake → 101 (checked) → one masked text message → its echo (checked) → close frame → the
/// server's close frame → the server's end of stream → socket closed.
/// </summary>
internal static class LoadGenerator
{
    private const int ReceiveBufferSize = 4096;

    // A connection that takes this long is broken, not slow: the loop counts an error and goes on.
    private static readonly TimeSpan s_upgradeTimeout = TimeSpan.FromSeconds(15);

    public static async Task<LoadResult> RunAsync(IPEndPoint server, WireBytes wire, int concurrency, TimeSpan duration)
    {
        using var stop = new CancellationTokenSource();
        var workers = new Worker[concurrency];
        for (int i = 0; i < concurrency; i++)
        {
            // Spread the loops over the key pool so no two start on the same handshake.
            workers[i] = new Worker(server, wire, i * wire.Handshakes.Length / concurrency);
        }

        long started = Stopwatch.GetTimestamp();
        Task[] running = workers.Select(w => Task.Run(() => w.RunAsync(stop.Token))).ToArray();
        await Task.Delay(duration);
        stop.Cancel();
        await Task.WhenAll(running);
        TimeSpan elapsed = Stopwatch.GetElapsedTime(started);

        return new LoadResult(
            elapsed,
            workers.Sum(w => w.Handshake.Count),
            workers.Sum(w => w.Errors),
            workers.SelectMany(w => w.Handshake).ToArray(),
            workers.SelectMany(w => w.Message).ToArray(),
            workers.Select(w => w.FirstError).FirstOrDefault(e => e is not null));
    }

    /// <summary>Opens <paramref name="count"/> upgraded connections and leaves them idle, each handler waiting in its receive.</summary>
    public static async Task<RawConnection[]> OpenIdleAsync(IPEndPoint server, WireBytes wire, int count, int parallelism)
    {
        var connections = new RawConnection[count];
        int next = -1;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        async Task OpenSomeAsync()
        {
            byte[] buffer = new byte[ReceiveBufferSize];
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                WireBytes.Handshake handshake = wire.Handshakes[i % wire.Handshakes.Length];
                RawConnection connection = await RawConnection.ConnectAsync(server, buffer, timeout.Token);
                connections[i] = connection;
                await connection.SendAsync(handshake.Request, timeout.Token);
                await connection.ReadSwitchingProtocolsAsync(handshake.ExpectedAccept, timeout.Token);
            }
        }

        try
        {
            await Task.WhenAll(Enumerable.Range(0, parallelism).Select(_ => Task.Run(OpenSomeAsync)));
        }
        catch
        {
            foreach (RawConnection? connection in connections)
            {
                connection?.Dispose();
            }

            throw;
        }

        return connections;
    }

    private sealed class Worker(IPEndPoint server, WireBytes wire, int firstHandshake)
    {
        private readonly byte[] _buffer = new byte[ReceiveBufferSize];
        private int _next = firstHandshake;

        public List<long> Handshake { get; } = new(4096);

        public List<long> Message { get; } = new(4096);

        public int Errors { get; private set; }

        public string? FirstError { get; private set; }

        public async Task RunAsync(CancellationToken stop)
        {
            // One timeout source per loop, re-armed for each upgrade: the client's own overhead stays small and equal for both servers.
            var timeout = new CancellationTokenSource();
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    WireBytes.Handshake handshake = wire.Handshakes[_next++ % wire.Handshakes.Length];
                    if (!timeout.TryReset())
                    {
                        timeout.Dispose();
                        timeout = new CancellationTokenSource();
                    }

                    timeout.CancelAfter(s_upgradeTimeout);
                    try
                    {
                        await UpgradeOnceAsync(handshake, timeout.Token);
                    }
                    catch (Exception exception)
                    {
                        Errors++;
                        FirstError ??= exception.GetType().Name + ": " + exception.Message;
                    }
                }
            }
            finally
            {
                timeout.Dispose();
            }
        }

        private async Task UpgradeOnceAsync(WireBytes.Handshake handshake, CancellationToken cancellationToken)
        {
            using RawConnection connection = await RawConnection.ConnectAsync(server, _buffer, cancellationToken);

            long handshakeSent = Stopwatch.GetTimestamp();
            await connection.SendAsync(handshake.Request, cancellationToken);
            await connection.ReadSwitchingProtocolsAsync(handshake.ExpectedAccept, cancellationToken);
            long switched = Stopwatch.GetTimestamp();

            await connection.SendAsync(handshake.MessageFrame, cancellationToken);
            await connection.ReadTextFrameAsync(wire.Payload, cancellationToken);
            long echoed = Stopwatch.GetTimestamp();

            await connection.SendAsync(wire.CloseFrame, cancellationToken);
            await connection.ReadCloseFrameAsync(cancellationToken);
            await connection.ReadEndOfStreamAsync(cancellationToken);

            // Counted only once the whole exchange succeeded.
            Handshake.Add(switched - handshakeSent);
            Message.Add(echoed - switched);
        }
    }
}

/// <summary>What one load run did: completed upgrades, failures, and per-upgrade latencies in <see cref="Stopwatch"/> ticks.</summary>
internal sealed record LoadResult(TimeSpan Elapsed, int Upgrades, int Errors, long[] HandshakeTicks, long[] MessageTicks, string? FirstError);
