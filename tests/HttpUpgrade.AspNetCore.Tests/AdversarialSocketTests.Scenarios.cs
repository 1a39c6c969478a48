using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using HttpUpgrade.Testing;
using Microsoft.Extensions.Logging;
using Xunit;

namespace HttpUpgrade.AspNetCore.Tests;

// The corpus cases that name a scenario: shapes a byte script on one connection cannot express. Each runs on a server
// of its own, which it stops.
public sealed partial class AdversarialSocketTests
{
    private const string HalfHead = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n";

    private Task RunScenarioAsync(AdversarialCase c) => c.Scenario switch
    {
        nameof(TenThousandHalfOpen) => TenThousandHalfOpen(c),
        nameof(ShutdownMidNegotiation) => ShutdownMidNegotiation(c),
        _ => throw new InvalidOperationException($"{c.Name}: no scenario '{c.Scenario}'"),
    };

    /// <summary>
    /// 10,000 clients each send part of a WebSocket head and then nothing. Kestrel holds them all at once (counted as this
    /// process's open descriptors), a normal WebSocket still connects and echoes meanwhile, and the server's
    /// RequestHeadersTimeout then closes every one of them, so the descriptors come back.
    /// </summary>
    private async Task TenThousandHalfOpen(AdversarialCase c)
    {
        const int Count = 10_000;
        var own = new AdversarialServer(TimeSpan.FromSeconds(15));
        await own.InitializeAsync();
        try
        {
            int baseline = OpenDescriptors();
            string script = Path.Combine(RepositoryPaths.Root, "tests", "HttpUpgrade.AspNetCore.Tests", "Scripts", "half_open.py");
            var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, UseShellExecute = false };
            start.ArgumentList.Add(script);
            start.ArgumentList.Add(own.Port.ToString(CultureInfo.InvariantCulture));
            start.ArgumentList.Add(Count.ToString(CultureInfo.InvariantCulture));
            start.ArgumentList.Add("60");
            using Process clients = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start.");
            try
            {
                string opened = await ReadLineAsync(clients, TimeSpan.FromSeconds(90));
                output.WriteLine(opened);
                Assert.StartsWith($"opened {Count} ", opened, StringComparison.Ordinal);

                // Every one of them is a connection the server has accepted and holds. Counted as this server's
                // established sockets, not as all of this process's descriptors, which connections of earlier cases
                // still closing would move.
                int peak = await WaitForHeldConnectionsAsync(own.Port, Count, TimeSpan.FromSeconds(30));
                output.WriteLine($"descriptors: {baseline} before; the server holds {peak} connections with the half-open handshakes, {OpenDescriptors()} descriptors");

                // Meanwhile a normal client upgrades and is echoed.
                var elapsed = Stopwatch.StartNew();
                using (var client = new ClientWebSocket())
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                    client.Options.AddSubProtocol("chat.v1");
                    await client.ConnectAsync(own.WebSocketUri("/ws"), timeout.Token);
                    await client.SendAsync("still here"u8.ToArray(), WebSocketMessageType.Text, true, timeout.Token);
                    byte[] buffer = new byte[64];
                    WebSocketReceiveResult echoed = await client.ReceiveAsync(buffer, timeout.Token);
                    Assert.Equal("still here", Encoding.UTF8.GetString(buffer, 0, echoed.Count));
                    await client.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
                }

                output.WriteLine($"a WebSocket connected and echoed in {elapsed.ElapsedMilliseconds} ms beside them");

                // The server's RequestHeadersTimeout closes each one (Kestrel answers 408 where it can).
                string closed = await ReadLineAsync(clients, TimeSpan.FromSeconds(90));
                output.WriteLine(closed);
                Assert.StartsWith($"closed {Count} ", closed, StringComparison.Ordinal);
                Assert.EndsWith(" left 0", string.Join(' ', closed.Split(' ')[..^1]), StringComparison.Ordinal);
                await clients.WaitForExitAsync();
            }
            finally
            {
                if (!clients.HasExited)
                {
                    clients.Kill();
                }
            }

            int after = await WaitForDescriptorsAsync(n => n - baseline < 100, TimeSpan.FromSeconds(30));
            output.WriteLine($"descriptors: {after} once they were cut");
            AssertNoError(c, own.Logs);
        }
        finally
        {
            await own.DisposeAsync();
        }
    }

    /// <summary>
    /// The host stops while three heads are half sent, one WebSocket is open, and one head is written as the stop begins:
    /// the stop ends within the shutdown timeout, the open WebSocket gets 1001, no half-sent head is ever answered 101,
    /// every connection ends, no Error is logged, and nothing listens afterwards.
    /// </summary>
    private async Task ShutdownMidNegotiation(AdversarialCase c)
    {
        var own = new AdversarialServer(TimeSpan.FromSeconds(30));
        await own.InitializeAsync();
        int port = own.Port;
        RawConnection[] halfSent = new RawConnection[3];
        for (int i = 0; i < halfSent.Length; i++)
        {
            halfSent[i] = await RawConnection.OpenAsync(port);
            await halfSent[i].SendAsync(HalfHead);
        }

        await using RawConnection open = await RawConnection.OpenAsync(port);
        await open.SendAsync(HalfHead + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: chat.v1\r\n\r\n");
        Assert.Equal(101, (await open.ReadHeadAsync()).StatusCode);

        await using RawConnection late = await RawConnection.OpenAsync(port);
        var stopping = Stopwatch.StartNew();
        Task stop = own.DisposeAsync();
        await SendAsync(late, Encoding.ASCII.GetBytes(HalfHead + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: chat.v1\r\n\r\n"));

        // RFC 6455 §7.4.1: the open WebSocket is told the server is going away.
        byte[] close = await open.ReadExactlyAsync(4);
        Assert.Equal(0x88, close[0]);
        Assert.Equal(1001, (close[2] << 8) | close[3]);

        await stop;
        stopping.Stop();
        output.WriteLine($"stopped in {stopping.ElapsedMilliseconds} ms");
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(10), $"Stopping took {stopping.Elapsed}.");

        foreach (RawConnection connection in halfSent)
        {
            string rest = Encoding.Latin1.GetString(await ReadToEndOrResetAsync(connection));
            Assert.DoesNotContain(" 101 ", rest, StringComparison.Ordinal);
            await connection.DisposeAsync();
        }

        // The head written as the stop began: refused, or switched and then told 1001, or dropped; never left hanging.
        byte[] lateAnswer = await ReadToEndOrResetAsync(late);
        string lateText = Encoding.Latin1.GetString(lateAnswer);
        output.WriteLine($"late head: {lateText.Split("\r\n")[0]}");
        if (lateText.StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
        {
            byte[] afterHead = lateAnswer[(lateAnswer.AsSpan().IndexOf("\r\n\r\n"u8) + 4)..];
            Assert.True(afterHead.Length >= 4 && afterHead[0] == 0x88 && ((afterHead[2] << 8) | afterHead[3]) == 1001, "A late 101 must be followed by a 1001 close.");
        }

        AssertNoError(c, own.Logs);
        await Assert.ThrowsAnyAsync<SocketException>(() => RawConnection.OpenAsync(port));
    }

    private static void AssertNoError(AdversarialCase c, RecordingLoggerProvider logs)
    {
        LogEntry[] errors = logs.Entries.Where(e => e.Level >= LogLevel.Error).ToArray();
        Assert.True(errors.Length == 0, $"{c.Rule}: the server logged {string.Join("\n", errors.Select(e => $"{e.Level} {e.Category} {e.EventId.Name}: {e.Message} {e.Exception}"))}");
    }

    private static int OpenDescriptors() => Directory.GetFileSystemEntries("/proc/self/fd").Length;

    /// <summary>Waits until the server on <paramref name="port"/> holds at least <paramref name="count"/> accepted connections.</summary>
    private static async Task<int> WaitForHeldConnectionsAsync(int port, int count, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            int held = HeldConnections(port);
            if (held >= count)
            {
                return held;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the server held {held} connections after {timeout}, not {count}.");
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Established TCP sockets whose local port is <paramref name="port"/> and that a process has accepted (a socket still in
    /// the listen queue has inode 0), from /proc/net/tcp and tcp6: the server's side of each connection to it.
    /// </summary>
    private static int HeldConnections(int port)
    {
        string local = ":" + port.ToString("X4", CultureInfo.InvariantCulture);
        int held = 0;
        foreach (string table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table))
            {
                continue;
            }

            foreach (string line in File.ReadLines(table).Skip(1))
            {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
                string[] columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (columns.Length > 9 && columns[1].EndsWith(local, StringComparison.Ordinal) && columns[3] == "01" && columns[9] != "0")
                {
                    held++;
                }
            }
        }

        return held;
    }

    private static async Task<int> WaitForDescriptorsAsync(Func<int, bool> condition, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            int count = OpenDescriptors();
            if (condition(count))
            {
                return count;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{count} descriptors open after {timeout}.");
            await Task.Delay(100);
        }
    }

    private static async Task<string> ReadLineAsync(Process process, TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        string? line = await process.StandardOutput.ReadLineAsync(cancellation.Token);
        return line ?? throw new EndOfStreamException("The client script ended without a line.");
    }
}
