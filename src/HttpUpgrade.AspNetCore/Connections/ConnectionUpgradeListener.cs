using System;
using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace HttpUpgrade.AspNetCore.Connections;

/// <summary>
/// Wires connection-level upgrades into Kestrel: once per public listener, a connection middleware that marks its
/// connections (and, with h2c, hands a connection that opens with the HTTP/2 preface straight to the HTTP/2 engine);
/// once per server, the internal re-entry endpoints that Kestrel serves like any other.
/// </summary>
internal static class ConnectionUpgradeListener
{
    private static readonly ConditionalWeakTable<ListenOptions, ConnectionUpgradeSettings> s_listeners = new();
    private static readonly ConditionalWeakTable<KestrelServerOptions, StrongBox<int>> s_servers = new();

    /// <summary>The settings of <paramref name="listen"/>, adding its connection middleware the first time.</summary>
    public static ConnectionUpgradeSettings? SettingsOf(ListenOptions listen, ReentryKind needs)
    {
        // ConfigureEndpointDefaults reaches the re-entry endpoints too; they are the upgraded side, not a listener.
        if (listen.EndPoint is ReentryEndPoint)
        {
            return null;
        }

        ReentryListenerFactory reentry = listen.ApplicationServices.GetService<ReentryListenerFactory>()
            ?? throw new InvalidOperationException(
                "Connection upgrades need HttpUpgrade's services: call builder.Services.AddHttpUpgrade() (or AddUpgradeHandlers()) before building the app.");

        AddReentryEndpoint(listen.KestrelServerOptions, needs);
        if (s_listeners.TryGetValue(listen, out ConnectionUpgradeSettings? settings))
        {
            return settings;
        }

        settings = new ConnectionUpgradeSettings(reentry, listen.KestrelServerOptions.Limits.RequestHeadersTimeout);
        s_listeners.Add(listen, settings);
        var feature = new ConnectionUpgradeFeature(settings);
        listen.Use(next => connection => OnConnectionAsync(connection, next, feature));
        return settings;
    }

    /// <summary>Whether <paramref name="listen"/> serves TLS or h2c upgrades (read when connections arrive, after configuration).</summary>
    public static bool ServesConnectionUpgrades(ListenOptions listen)
        => s_listeners.TryGetValue(listen, out ConnectionUpgradeSettings? settings) && (settings.Tls is not null || settings.H2c);

    private static void AddReentryEndpoint(KestrelServerOptions server, ReentryKind kind)
    {
        StrongBox<int> added = s_servers.GetOrCreateValue(server);
        int bit = 1 << (int)kind;
        if ((added.Value & bit) != 0)
        {
            return;
        }

        added.Value |= bit;
        server.Listen(new ReentryEndPoint(kind), internalListen =>
        {
            if (kind == ReentryKind.Http2)
            {
                internalListen.Protocols = HttpProtocols.Http2;
                return;
            }

            // Kestrel's own TLS, with the options of the listener the connection came from, then HTTP/1.1 over it.
            internalListen.Protocols = HttpProtocols.Http1;
            internalListen.UseHttps(new TlsHandshakeCallbackOptions
            {
                OnConnection = static context => context.Connection.Features.Get<TlsReentryFeature>()!.Tls(context),

                // Each public listener has its own handshake timeout (HttpsConnectionAdapterOptions.HandshakeTimeout),
                // and they share this endpoint: the upgrade middleware bounds each connection with its listener's own.
                // Kestrel 10 fails every handshake with an ArgumentOutOfRangeException when this is InfiniteTimeSpan, so
                // a day stands for "no limit of Kestrel's own".
                HandshakeTimeout = TimeSpan.FromDays(1),
            });
            internalListen.Use(next => connection =>
            {
                // RFC 2817 §3.3: the request that asked for TLS is answered over it, as if sent again inside it.
                if (connection.Features.Get<TlsReentryFeature>() is { } reentry)
                {
                    if (!reentry.TlsEstablished())
                    {
                        // Too late: the handshake timeout is aborting the connection.
                        return Task.CompletedTask;
                    }

                    connection.Transport = new PrefixedTransport(reentry.Replay, connection.Transport);
                }

                return next(connection);
            });
        });
    }

    private static async Task OnConnectionAsync(ConnectionContext connection, ConnectionDelegate next, ConnectionUpgradeFeature feature)
    {
        connection.Features.Set(feature);
        ConnectionUpgradeSettings settings = feature.Settings;
        if (settings.H2c && connection.Features.Get<Microsoft.AspNetCore.Http.Features.ITlsConnectionFeature>() is null
            && await StartsWithHttp2PrefaceAsync(connection.Transport.Input, settings.PrefaceTimeout))
        {
            // Prior knowledge (RFC 9113 §3.3): the client speaks HTTP/2 from its first byte, so the whole connection, as
            // received, goes to the HTTP/2 engine.
            var reentered = new ReentryConnection(connection.ConnectionId, connection.RemoteEndPoint, connection.LocalEndPoint, connection.Transport);
            if (settings.Reentry.TryPush(ReentryKind.Http2, reentered))
            {
                using CancellationTokenRegistration closed = connection.ConnectionClosed.UnsafeRegister(
                    static state => ((ReentryConnection)state!).Abort(new ConnectionAbortedException("The client went away.")), reentered);
                await reentered.Completion;
            }

            return;
        }

        await next(connection);
    }

    /// <summary>
    /// Looks at the first bytes without consuming them: true when they are the HTTP/2 magic. An HTTP/1.1 request differs
    /// at its first byte, so it costs one read that Kestrel's parser would have made anyway.
    /// </summary>
    private static async Task<bool> StartsWithHttp2PrefaceAsync(PipeReader input, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                ReadResult result = await input.ReadAsync(deadline.Token);
                ReadOnlySequence<byte> buffer = result.Buffer;
                int compared = (int)Math.Min(buffer.Length, UpgradedRequest.Http2Magic.Length);
                bool matches = MatchesMagic(buffer.Slice(0, compared));
                if (!matches || compared == UpgradedRequest.Http2Magic.Length || result.IsCompleted)
                {
                    input.AdvanceTo(buffer.Start);
                    return matches && compared == UpgradedRequest.Http2Magic.Length;
                }

                // A strict prefix of the magic so far: look again when more has arrived.
                input.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (OperationCanceledException)
        {
            // Kestrel's own timeouts take over from here.
            return false;
        }
    }

    private static bool MatchesMagic(ReadOnlySequence<byte> start)
    {
        Span<byte> bytes = stackalloc byte[24];
        start.CopyTo(bytes);
        return bytes.Slice(0, (int)start.Length).SequenceEqual(UpgradedRequest.Http2Magic.Slice(0, (int)start.Length));
    }
}
