using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace HttpUpgrade.AspNetCore.Tests;

/// <summary>
/// The limits of an upgrade endpoint on real Kestrel sockets: the handshake timeout, the cap on concurrent upgraded
/// connections (503 with <c>Retry-After</c>, before the handler exists), the TLS upgrade's handshake timeout, and the
/// Kestrel limits that apply before <c>MapUpgrade</c> runs.
/// </summary>
public sealed class LimitsTests
{
    private const string ParkHead = "GET /{0}?id={1} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: park/1\r\n\r\n";

    [Fact]
    public void Options_HaveKestrelStyleDefaults()
    {
        var options = new UpgradeEndpointOptions();

        Assert.Equal(TimeSpan.FromSeconds(10), options.HandshakeTimeout);
        Assert.Null(options.MaxConcurrentConnections);
        Assert.Equal(TimeSpan.FromSeconds(5), options.ConnectionLimitRetryAfter);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void HandshakeTimeout_MustBePositiveOrInfinite(int milliseconds)
    {
        var options = new UpgradeEndpointOptions();
        ArgumentOutOfRangeException thrown = Assert.Throws<ArgumentOutOfRangeException>(() => options.HandshakeTimeout = TimeSpan.FromMilliseconds(milliseconds));
        Assert.Equal(nameof(UpgradeEndpointOptions.HandshakeTimeout), thrown.ParamName);

        options.HandshakeTimeout = Timeout.InfiniteTimeSpan;
        Assert.Equal(Timeout.InfiniteTimeSpan, options.HandshakeTimeout);
        options.HandshakeTimeout = TimeSpan.FromMilliseconds(1);
        Assert.Equal(TimeSpan.FromMilliseconds(1), options.HandshakeTimeout);
    }

    [Fact]
    public void MaxConcurrentConnections_IsNullOrNonNegative()
    {
        var options = new UpgradeEndpointOptions();
        ArgumentOutOfRangeException thrown = Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxConcurrentConnections = -1);
        Assert.Equal(nameof(UpgradeEndpointOptions.MaxConcurrentConnections), thrown.ParamName);

        // As KestrelServerLimits.MaxConcurrentConnections: zero is allowed (every upgrade refused), null is no limit.
        options.MaxConcurrentConnections = 0;
        Assert.Equal(0, options.MaxConcurrentConnections);
        options.MaxConcurrentConnections = null;
        Assert.Null(options.MaxConcurrentConnections);
    }

    [Fact]
    public void ConnectionLimitRetryAfter_IsNonNegativeAndFitsDelaySeconds()
    {
        var options = new UpgradeEndpointOptions();
        Assert.Throws<ArgumentOutOfRangeException>(() => options.ConnectionLimitRetryAfter = TimeSpan.FromSeconds(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => options.ConnectionLimitRetryAfter = TimeSpan.FromSeconds(int.MaxValue));

        options.ConnectionLimitRetryAfter = TimeSpan.Zero;
        Assert.Equal(TimeSpan.Zero, options.ConnectionLimitRetryAfter);
    }

    [Theory]
    [InlineData("the close timeout when the host allows more", 5_000, 30_000, 5_000)]
    [InlineData("three quarters of the host's timeout when the close timeout is longer", 10_000, 4_000, 3_000)]
    [InlineData("three quarters of the host's timeout when the close timeout is infinite", -1, 4_000, 3_000)]
    [InlineData("the close timeout when the host waits forever", 5_000, -1, 5_000)]
    public void ShutdownGrace_EndsHandlersBeforeTheHostAbortsThem(string rule, int closeMs, int hostMs, int expectedMs)
        => Assert.True(
            TimeSpan.FromMilliseconds(expectedMs) == UpgradedConnectionTracker.ShutdownGrace(TimeSpan.FromMilliseconds(closeMs), TimeSpan.FromMilliseconds(hostMs)),
            rule);

    [Fact]
    public async Task HandshakeDeadline_ThatExpires_RunsItsActionOnce_AndCannotCompleteAfterwards()
    {
        int expirations = 0;
        var expired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using HandshakeDeadline deadline = HandshakeDeadline.Start(TimeSpan.FromMilliseconds(10), _ =>
        {
            Interlocked.Increment(ref expirations);
            expired.SetResult();
        }, null);

        await expired.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(deadline.HasExpired);
        Assert.False(deadline.TryComplete());
        Assert.False(deadline.TryComplete());
        Assert.Equal(1, expirations);
    }

    [Fact]
    public void HandshakeDeadline_ThatCompletes_NeverExpires()
    {
        int expirations = 0;
        using HandshakeDeadline deadline = HandshakeDeadline.Start(TimeSpan.FromMilliseconds(100), _ => Interlocked.Increment(ref expirations), null);
        if (deadline.TryComplete())
        {
            // Completed first: the timer is gone, so the action never runs, even well past its time.
            Thread.Sleep(300);
            Assert.Equal(0, expirations);
            Assert.False(deadline.HasExpired);
            Assert.True(deadline.TryComplete());
        }
        else
        {
            // The timer won the race (a thread descheduled for 100 ms on a loaded machine): then it, and only it, ran.
            Assert.True(deadline.HasExpired);
            Assert.Equal(1, expirations);
        }

        using HandshakeDeadline infinite = HandshakeDeadline.Start(Timeout.InfiniteTimeSpan, _ => Interlocked.Increment(ref expirations), null);
        Assert.True(infinite.TryComplete());
        Assert.False(infinite.HasExpired);
    }

    [Fact]
    public async Task OverTheCap_Answers503WithRetryAfterAndClose_BeforeTheHandlerIsCreated()
    {
        await using LimitsApp server = await LimitsApp.StartAsync(app => app.MapUpgrade("/capped", options =>
        {
            options.MaxConcurrentConnections = 2;
            options.ConnectionLimitRetryAfter = TimeSpan.FromSeconds(3);
        }));

        RawConnection first = await server.UpgradeAsync("capped", "first");
        await using RawConnection second = await server.UpgradeAsync("capped", "second");
        Assert.Equal(2, server.Constructions);

        // RFC 9110 §15.6.4 and §10.2.3: 503 says "overloaded, for now"; Retry-After says when to come back.
        await using (RawConnection third = await RawConnection.OpenAsync(server.Port))
        {
            await third.SendAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, ParkHead, "capped", "third"));
            RawResponseHead head = await third.ReadHeadAsync();
            Assert.Equal(503, head.StatusCode);
            Assert.Equal(["3"], head.Values("Retry-After"));
            Assert.Equal(["close"], head.Values("Connection"));
            Assert.Empty(head.Values("Upgrade"));
            Assert.Equal("This endpoint has as many open connections as it allows; try again later.\n", await third.ReadBodyAsync(head));

            // The refusal ends the connection: bytes of the protocol the client asked for are never read as HTTP.
            Assert.Empty(await third.ReadToEndAsync());
        }

        // The handler of the refused upgrade was never constructed: its factory resolves a counted service first.
        Assert.Equal(2, server.Constructions);
        LogEntry logged = await server.Logs.WaitForAsync("ConnectionLimitReached", _ => true);
        Assert.Equal(LogLevel.Debug, logged.Level);
        Assert.Contains("holds 2 upgraded connections", logged.Message, StringComparison.Ordinal);

        // A connection that ends gives its slot back.
        first.Reset();
        Assert.Equal("park cancelled first", await server.Journal.WaitForAsync("park cancelled", TimeSpan.FromSeconds(10)));
        await first.DisposeAsync();
        await using RawConnection fourth = await server.UpgradeEventuallyAsync("capped", "fourth");
        Assert.Equal(3, server.Constructions);
    }

    [Fact]
    public async Task ABurstOfConcurrentHandshakes_NeverOvershootsTheCap()
    {
        const int Cap = 5;
        const int Burst = 24;
        await using LimitsApp server = await LimitsApp.StartAsync(app => app.MapUpgrade("/capped", options => options.MaxConcurrentConnections = Cap));

        RawConnection[] connections = await Task.WhenAll(Enumerable.Range(0, Burst).Select(_ => RawConnection.OpenAsync(server.Port)));
        try
        {
            // Every request is written before any is read, so the handshakes race for the slots.
            await Task.WhenAll(connections.Select((connection, i) => connection.SendAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, ParkHead, "capped", i))));
            int[] statuses = await Task.WhenAll(connections.Select(async connection => (await connection.ReadHeadAsync()).StatusCode));

            Assert.Equal(Cap, statuses.Count(status => status == 101));
            Assert.Equal(Burst - Cap, statuses.Count(status => status == 503));
            Assert.Equal(Cap, server.Constructions);
        }
        finally
        {
            foreach (RawConnection connection in connections)
            {
                connection.Reset();
                await connection.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task ClientWebSocket_OverTheCap_Sees503AndRetryAfter()
    {
        await using LimitsApp server = await LimitsApp.StartAsync(app => app.MapUpgrade("/capped", options => options.MaxConcurrentConnections = 1));
        var uri = new Uri($"ws://127.0.0.1:{server.Port}/capped");

        using var first = new ClientWebSocket();
        first.Options.AddSubProtocol("test.cancel");
        await first.ConnectAsync(uri, default);

        using var second = new ClientWebSocket();
        second.Options.AddSubProtocol("test.cancel");
        second.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => second.ConnectAsync(uri, default));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.HttpStatusCode);
        Assert.Equal("5", Assert.Single(second.HttpResponseHeaders!["Retry-After"]));
        Assert.Equal(1, server.Constructions);
        first.Abort();
    }

    [Fact]
    public async Task ACapOfZero_RefusesEveryUpgrade()
    {
        await using LimitsApp server = await LimitsApp.StartAsync(app => app.MapUpgrade("/closed", options => options.MaxConcurrentConnections = 0));

        await using RawConnection connection = await RawConnection.OpenAsync(server.Port);
        await connection.SendAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, ParkHead, "closed", "any"));
        Assert.Equal(503, (await connection.ReadHeadAsync()).StatusCode);
        Assert.Equal(0, server.Constructions);
    }

    [Fact]
    public async Task KestrelsServerWideUpgradeLimit_Answers503SwitchFailed_AfterTheHandlerWasCreated()
    {
        // KestrelServerLimits.MaxConcurrentUpgradedConnections counts every upgraded connection of the server, and is
        // checked inside IHttpUpgradeFeature.UpgradeAsync, which throws before sending anything: the handler exists by
        // then. The endpoint's own cap is checked before, which is why it exists.
        await using LimitsApp server = await LimitsApp.StartAsync(
            app => app.MapUpgrade("/ws"),
            kestrel => kestrel.Limits.MaxConcurrentUpgradedConnections = 1);

        await using RawConnection first = await server.UpgradeAsync("ws", "first");
        await using RawConnection second = await RawConnection.OpenAsync(server.Port);
        await second.SendAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, ParkHead, "ws", "second"));
        RawResponseHead head = await second.ReadHeadAsync();

        Assert.Equal(503, head.StatusCode);
        Assert.Equal(["close"], head.Values("Connection"));
        Assert.Equal("The server could not switch protocols; try again later.\n", await second.ReadBodyAsync(head));
        Assert.Equal(2, server.Constructions);
        first.Reset();
    }

    [Fact]
    public async Task HandshakeTimeout_AbortsA101ThatTheClientDoesNotRead_AndTheHandlerNeverRuns()
    {
        // A 101 carrying a 16 MiB field from the app cannot be flushed to a client that reads nothing: the kernel buffers
        // of both ends hold a few MiB at most, so Kestrel's flush waits. Kestrel's MinResponseDataRate (240 bytes/s) would
        // allow it hours; the handshake timeout cuts it.
        string padding = new('a', 16 * 1024 * 1024);
        await using LimitsApp server = await LimitsApp.StartAsync(
            app => app.MapUpgrade("/stall", options => options.HandshakeTimeout = TimeSpan.FromMilliseconds(500)),
            middleware: app => app.Use((context, next) =>
            {
                context.Response.Headers["X-Padding"] = padding;
                return next(context);
            }));

        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.Port));
        await client.SendAsync(Encoding.ASCII.GetBytes(string.Format(System.Globalization.CultureInfo.InvariantCulture, ParkHead, "stall", "stalled")));

        LogEntry timedOut = await server.Logs.WaitForAsync("HandshakeTimedOut", _ => true);
        Assert.Equal(LogLevel.Debug, timedOut.Level);
        Assert.Contains("00:00:00.5", timedOut.Message, StringComparison.Ordinal);

        // Reading now drains what was buffered, then meets the end of the aborted connection, never a complete head.
        long received = await DrainAsync(client);
        Assert.InRange(received, 1, padding.Length - 1);

        // The handler was created before the 101 (so a missing service is an honest 500) but never given the connection.
        await server.StopAsync();
        Assert.Equal(1, server.Constructions);
        Assert.DoesNotContain(server.Logs.Entries, entry => entry.EventId.Name is "HandlerCompleted" or "ConnectionAborted" or "UpgradeFailed");
        Assert.Equal(0, server.Journal.Count);
    }

    [Fact]
    public async Task RequestHeadersTimeout_CutsASlowHeadBeforeMapUpgradeRuns()
    {
        // Slowloris: a head that never ends, a field every 200 ms. Kestrel bounds the whole head with RequestHeadersTimeout
        // (408) before any endpoint sees the request.
        await using LimitsApp server = await LimitsApp.StartAsync(
            app => app.MapUpgrade("/ws"),
            kestrel => kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(1));

        await using RawConnection connection = await RawConnection.OpenAsync(server.Port);
        await connection.SendAsync("GET /ws?id=slow HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: park/1\r\n");
        using var stop = new CancellationTokenSource();
        Task dribble = Task.Run(async () =>
        {
            for (int i = 0; !stop.IsCancellationRequested && i < 100; i++)
            {
                await Task.Delay(200);
                try
                {
                    await connection.SendAsync($"X-Slow-{i}: a\r\n");
                }
                catch (IOException)
                {
                    return;
                }
            }
        });

        RawResponseHead head = await connection.ReadHeadAsync();
        stop.Cancel();
        await dribble;

        Assert.Equal(408, head.StatusCode);
        Assert.Equal(0, server.Constructions);
        Assert.DoesNotContain(server.Logs.Entries, entry => entry.Category == "HttpUpgrade.AspNetCore");
    }

    [Fact]
    public async Task MaxRequestHeadersTotalSize_RefusesAnOversizedHeadBeforeMapUpgradeRuns()
    {
        await using LimitsApp server = await LimitsApp.StartAsync(
            app => app.MapUpgrade("/ws"),
            kestrel => kestrel.Limits.MaxRequestHeadersTotalSize = 4096);

        await using RawConnection connection = await RawConnection.OpenAsync(server.Port);
        await connection.SendAsync($"GET /ws?id=big HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: park/1\r\nX-Big: {new string('a', 8192)}\r\n\r\n");

        Assert.Equal(431, (await connection.ReadHeadAsync()).StatusCode);
        Assert.Equal(0, server.Constructions);
        Assert.DoesNotContain(server.Logs.Entries, entry => entry.Category == "HttpUpgrade.AspNetCore");
    }

    [Fact]
    public async Task KestrelsServerWideUpgradeLimit_CountsTlsUpgradesToo_AndTheyGet503()
    {
        // The limit is the server's: a WebSocket-style upgrade on MapUpgrade takes the only slot, and a TLS upgrade on
        // the same server is then refused before anything is written.
        using X509Certificate2 certificate = ConnectionUpgradeFixture.CreateCertificate();
        await using LimitsApp server = await LimitsApp.StartAsync(
            app => app.MapUpgrade("/ws"),
            kestrel => kestrel.Limits.MaxConcurrentUpgradedConnections = 1,
            listen: listen => listen.UseTlsUpgrade(certificate));

        await using RawConnection first = await server.UpgradeAsync("ws", "first");
        await using RawConnection tls = await RawConnection.OpenAsync(server.Port);
        await tls.SendAsync("GET /who HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: TLS/1.2\r\n\r\n");
        RawResponseHead head = await tls.ReadHeadAsync();

        Assert.Equal(503, head.StatusCode);
        Assert.Equal(["close"], head.Values("Connection"));
        Assert.Equal("The server could not switch protocols; try again later.\n", await tls.ReadBodyAsync(head));
        Assert.Empty(await tls.ReadToEndAsync());
        first.Reset();
    }

    [Fact]
    public async Task TlsUpgrade_AClientThatSendsNothingAfterThe101_IsCutByTheListenersHandshakeTimeout()
    {
        using X509Certificate2 certificate = ConnectionUpgradeFixture.CreateCertificate();
        await using LimitsApp server = await LimitsApp.StartAsync(
            app => app.MapGet("/who", () => "who\n"),
            listen: listen => listen.UseTlsUpgrade(https =>
            {
                https.ServerCertificate = certificate;
                https.HandshakeTimeout = TimeSpan.FromMilliseconds(500);
            }));

        await using RawConnection connection = await RawConnection.OpenAsync(server.Port);
        await connection.SendAsync("GET /who HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: TLS/1.2\r\n\r\n");
        Assert.Equal(101, (await connection.ReadHeadAsync()).StatusCode);

        // RFC 2817 §3.3: the client should now start TLS. It sends nothing; the server gives up after the listener's
        // HandshakeTimeout (500 ms here), not Kestrel's 10 s default, and closes the connection.
        var waiting = Stopwatch.StartNew();
        Assert.Empty(await ReadToEndOrResetAsync(connection));
        waiting.Stop();
        Assert.True(waiting.Elapsed < TimeSpan.FromSeconds(8), $"The connection was closed after {waiting.Elapsed}, as if by the 10 s default.");

        LogEntry timedOut = await server.Logs.WaitForAsync("TlsHandshakeTimedOut", _ => true);
        Assert.Equal(LogLevel.Debug, timedOut.Level);
        Assert.Contains("00:00:00.5", timedOut.Message, StringComparison.Ordinal);
    }

    private static async Task<byte[]> ReadToEndOrResetAsync(RawConnection connection)
    {
        try
        {
            return await connection.ReadToEndAsync();
        }
        catch (IOException exception) when (exception.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset })
        {
            return [];
        }
    }

    /// <summary>Reads until the server ends the connection (close or reset); the bytes received.</summary>
    private static async Task<long> DrainAsync(Socket socket)
    {
        byte[] buffer = new byte[256 * 1024];
        long total = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            while (true)
            {
                int read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                if (read == 0)
                {
                    return total;
                }

                total += read;
                Assert.True(buffer.AsSpan(0, read).IndexOf("\r\n\r\n"u8) < 0, "The 101 head was completed.");
            }
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.ConnectionReset)
        {
            return total;
        }
    }

    /// <summary>
    /// A Kestrel app on 127.0.0.1 with this assembly's handlers, whose <see cref="HandlerJournal"/> is resolved anew for
    /// every handler that needs one (<see cref="ParkHandler"/>, <see cref="CancellationProbeHandler"/>): counting those
    /// resolutions counts the handlers the endpoint created.
    /// </summary>
    private sealed class LimitsApp : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly StrongBoxCounter _constructions;
        private bool _stopped;

        private LimitsApp(WebApplication app, int port, StrongBoxCounter constructions, RecordingLoggerProvider logs, HandlerJournal journal)
        {
            _app = app;
            Port = port;
            _constructions = constructions;
            Logs = logs;
            Journal = journal;
        }

        public int Port { get; }

        public RecordingLoggerProvider Logs { get; }

        public HandlerJournal Journal { get; }

        /// <summary>How many handlers needing a journal the app has created.</summary>
        public int Constructions => _constructions.Value;

        public static async Task<LimitsApp> StartAsync(
            Action<WebApplication> map,
            Action<KestrelServerOptions>? kestrel = null,
            Action<WebApplication>? middleware = null,
            Action<ListenOptions>? listen = null)
        {
            var logs = new RecordingLoggerProvider();
            var constructions = new StrongBoxCounter();
            var journal = new HandlerJournal();
            WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(logs);
            builder.Logging.SetMinimumLevel(LogLevel.Debug);
            builder.Services.AddSingleton(new DisposalJournal());
            builder.Services.AddTransient(_ =>
            {
                constructions.Increment();
                return journal;
            });
            builder.Services.AddUpgradeHandlers();
            builder.WebHost.ConfigureKestrel(options =>
            {
                kestrel?.Invoke(options);
                options.Listen(IPAddress.Loopback, 0, listen ?? (static _ => { }));
            });

            WebApplication app = builder.Build();
            middleware?.Invoke(app);
            map(app);
            await app.StartAsync();
            Uri address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
                .Select(value => new Uri(value)).First(uri => uri.IsLoopback);
            return new LimitsApp(app, address.Port, constructions, logs, journal);
        }

        /// <summary>Upgrades a new connection to <see cref="ParkHandler"/> at <paramref name="path"/>; asserts the 101.</summary>
        public async Task<RawConnection> UpgradeAsync(string path, string id)
        {
            RawConnection connection = await RawConnection.OpenAsync(Port);
            await connection.SendAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, ParkHead, path, id));
            RawResponseHead head = await connection.ReadHeadAsync();
            Assert.Equal(101, head.StatusCode);
            return connection;
        }

        /// <summary>
        /// As <see cref="UpgradeAsync"/>, trying again while the answer is 503: a slot is given back just after the
        /// handler's journal entry, so the first try may still find the endpoint full.
        /// </summary>
        public async Task<RawConnection> UpgradeEventuallyAsync(string path, string id)
        {
            for (int attempt = 0; ; attempt++)
            {
                RawConnection connection = await RawConnection.OpenAsync(Port);
                await connection.SendAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, ParkHead, path, id));
                RawResponseHead head = await connection.ReadHeadAsync();
                if (head.StatusCode == 101)
                {
                    return connection;
                }

                await connection.DisposeAsync();
                Assert.True(head.StatusCode == 503 && attempt < 50, $"Attempt {attempt}: {head.StatusLine}");
                await Task.Delay(20);
            }
        }

        public async Task StopAsync()
        {
            if (!_stopped)
            {
                _stopped = true;
                await _app.StopAsync();
            }
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            await _app.DisposeAsync();
        }
    }

    private sealed class StrongBoxCounter
    {
        private int _value;

        public int Value => Volatile.Read(ref _value);

        public void Increment() => Interlocked.Increment(ref _value);
    }
}
