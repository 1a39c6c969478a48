using System;
using System.Buffers;
using System.IO;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace HttpUpgrade.AspNetCore.Connections;

/// <summary>
/// The first middleware of the app: on a listener that opted in, a request offering TLS or h2c is negotiated by the same
/// negotiator as every other upgrade; when accepted, the 101 goes out and the connection is handed back to Kestrel
/// (<see cref="ReentryListenerFactory"/>), whose own engines answer the request. Everything else passes through untouched.
/// </summary>
internal sealed class ConnectionUpgradeMiddleware(UpgradeMetrics metrics, ILogger logger)
{
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        IFeatureCollection features = context.Features;
        if (features.Get<TlsReentryFeature>() is { } tls && tls.TakeReplayed() && tls.IsOptionsAsterisk)
        {
            // RFC 2817 §3.2 suggests OPTIONS * for an upgrade that asks for nothing else; RFC 9110 §9.3.7 makes it a
            // question about the server itself, answered here once TLS is up.
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentLength = 0;
            return Task.CompletedTask;
        }

        if (features.Get<ConnectionUpgradeFeature>() is not { } upgrade || context.Request.Headers.Upgrade.Count == 0)
        {
            return next(context);
        }

        ConnectionUpgradeSettings settings = upgrade.Settings;
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        UpgradeDecision decision = settings.Negotiator.Negotiate(new HttpRequestUpgradeView(context.Request));
        if (decision.Outcome != UpgradeOutcome.Accept || features.Get<IHttpUpgradeFeature>() is not { IsUpgradableRequest: true } upgradeFeature)
        {
            // Not TLS or h2c, or not acceptable (RFC 7540 §3.2: a server that does not switch serves the request as
            // HTTP/1.1): the app answers it, MapUpgrade endpoints included.
            return next(context);
        }

        return decision.Registration!.Kind == UpgradeProtocolKind.Tls
            ? SwitchToTlsAsync(context, decision, upgradeFeature, settings, start)
            : SwitchToH2cAsync(context, decision, upgradeFeature, settings, start);
    }

    private async Task SwitchToTlsAsync(HttpContext context, UpgradeDecision decision, IHttpUpgradeFeature upgradeFeature, ConnectionUpgradeSettings settings, long start)
    {
        HttpRequest request = context.Request;
        bool optionsAsterisk = HttpMethods.IsOptions(request.Method) && context.Features.Get<IHttpRequestFeature>()?.RawTarget == "*";

        // One bound from here until TLS is up: the 101 written to a client that may not read, then the TLS handshake
        // on the re-entered connection (RFC 2817 §3.3), which Kestrel runs without a timer of its own there because
        // each listener has its own HandshakeTimeout and they all share one re-entry endpoint.
        using HandshakeDeadline deadline = HandshakeDeadline.Start(settings.TlsHandshakeTimeout, static state => ((HttpContext)state!).Abort(), context);
        var reentry = new TlsReentryFeature(settings.Tls!, UpgradedRequest.ToHttp11Head(request), optionsAsterisk, deadline);

        Stream? transport = await SwitchAsync(context, decision, upgradeFeature, settings, start, deadline);
        if (transport is not null)
        {
            // RFC 2817 §3.3: the client starts TLS right after the 101; its ClientHello may already be behind the head, and
            // is the first thing the re-entered connection reads.
            ReentryConnection connection = ReentryConnection.FromStream(context.Connection.Id, RemoteOf(context), LocalOf(context), transport, default);
            connection.Features.Set(reentry);
            await RunAsync(context, connection, ReentryKind.Tls, settings);
        }

        if (deadline.HasExpired)
        {
            Log.TlsHandshakeTimedOut(logger, context.Connection.Id, settings.TlsHandshakeTimeout);
        }
    }

    private async Task SwitchToH2cAsync(HttpContext context, UpgradeDecision decision, IHttpUpgradeFeature upgradeFeature, ConnectionUpgradeSettings settings, long start)
    {
        byte[] upgradeSettings = new byte[Http2Settings.MaxPayloadLength];
        Http2Settings.TryDecode(context.Request.Headers["HTTP2-Settings"][0], upgradeSettings, out int upgradeSettingsLength);

        Stream? transport = await SwitchAsync(context, decision, upgradeFeature, settings, start, deadline: null);
        if (transport is null)
        {
            return;
        }

        // RFC 7540 §3.5: after the 101 the client sends the connection preface, its magic and a SETTINGS frame.
        byte[]? preface = await ReadClientPrefaceAsync(transport, settings.PrefaceTimeout, context.RequestAborted);
        byte[]? prefix = preface is null ? null : UpgradedRequest.ToHttp2Preface(context.Request, upgradeSettings.AsSpan(0, upgradeSettingsLength), preface);
        if (prefix is null)
        {
            // Nothing can be answered in HTTP/1.1 after a 101, and this is not HTTP/2: the connection ends.
            Log.H2cPrefaceInvalid(logger, context.Connection.Id);
            context.Abort();
            return;
        }

        ReentryConnection connection = ReentryConnection.FromStream(context.Connection.Id, RemoteOf(context), LocalOf(context), transport, prefix);
        await RunAsync(context, connection, ReentryKind.Http2, settings);
    }

    /// <summary>Sends the 101 and returns the upgraded connection, or null when the switch failed (and was answered, if it could be).</summary>
    private async Task<Stream?> SwitchAsync(HttpContext context, UpgradeDecision decision, IHttpUpgradeFeature upgradeFeature, ConnectionUpgradeSettings settings, long start, HandshakeDeadline? deadline)
    {
        UpgradeResponseWriter.SetHead(context.Response, decision);
        Log.SwitchingProtocols(logger, context.Request.Path.Value ?? "/", decision.Upgrade!, context.Request.Protocol, decision.Registration!.HandlerName);
        Stream transport;
        try
        {
            transport = await upgradeFeature.UpgradeAsync();
        }
        catch (Exception) when (deadline is { HasExpired: true })
        {
            // The handshake timeout aborted the connection under the flush; the caller logs it.
            return null;
        }
        catch (Exception exception)
        {
            Log.UpgradeFailed(logger, decision.Registration.Name, decision.Registration.HandlerName, exception);
            if (context.Response.HasStarted)
            {
                context.Abort();
                return null;
            }

            // Kestrel's MaxConcurrentUpgradedConnections throws before anything is sent: the client gets an answer.
            context.Response.Clear();
            UpgradeDecision refusal = settings.Negotiator.Refuse(decision, UpgradeReason.SwitchFailed);
            metrics.Negotiated(refusal, start);
            await UpgradeResponseWriter.WriteAsync(context, refusal);
            return null;
        }

        metrics.Negotiated(decision, start);
        return transport;
    }

    private async Task RunAsync(HttpContext context, ReentryConnection connection, ReentryKind kind, ConnectionUpgradeSettings settings)
    {
        if (!settings.Reentry.TryPush(kind, connection))
        {
            // The server is stopping: the re-entry endpoint takes no more connections.
            await connection.DisposeAsync();
            context.Abort();
            return;
        }

        Log.ConnectionReentered(logger, context.Connection.Id, kind.ToString());
        using UpgradeMetrics.ActiveConnection active = metrics.Opened(kind == ReentryKind.Tls ? "TLS" : "h2c");

        // The original connection stays open, carrying the bytes, until Kestrel is done with the re-entered one.
        using CancellationTokenRegistration aborted = context.RequestAborted.UnsafeRegister(
            static state => ((ReentryConnection)state!).Abort(new Microsoft.AspNetCore.Connections.ConnectionAbortedException("The client went away.")),
            connection);
        await connection.Completion;
    }

    /// <summary>The magic and the first SETTINGS frame's payload, or null when the client sent anything else in time.</summary>
    private static async Task<byte[]?> ReadClientPrefaceAsync(Stream transport, TimeSpan timeout, CancellationToken aborted)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        deadline.CancelAfter(timeout);
        byte[] head = new byte[UpgradedRequest.Http2Magic.Length + 9];
        try
        {
            await transport.ReadExactlyAsync(head, deadline.Token);
            int length = UpgradedRequest.ReadClientPrefaceHeader(head);
            if (length < 0)
            {
                return null;
            }

            byte[] payload = new byte[length];
            await transport.ReadExactlyAsync(payload, deadline.Token);
            return payload;
        }
        catch (Exception exception) when (exception is OperationCanceledException or EndOfStreamException or IOException)
        {
            return null;
        }
    }

    private static IPEndPoint? RemoteOf(HttpContext context)
        => context.Connection.RemoteIpAddress is { } address ? new IPEndPoint(address, context.Connection.RemotePort) : null;

    private static IPEndPoint? LocalOf(HttpContext context)
        => context.Connection.LocalIpAddress is { } address ? new IPEndPoint(address, context.Connection.LocalPort) : null;
}
