using System;
using System.Buffers;
using System.IO.Pipelines;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using HttpUpgrade.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace HttpUpgrade.AspNetCore.FastPath;

/// <summary>
/// The connection middleware of one listener that called <c>UseUpgradeFastPath()</c>. It looks at the start of each new
/// connection: a first request that is an upgrade for a <c>MapUpgrade</c> endpoint it may serve, in a head it fully
/// understands, is negotiated by that endpoint's own negotiator and answered here, and the handler runs over the
/// connection's pipes. Every other connection goes to Kestrel's HTTP engine with its bytes untouched.
/// </summary>
internal sealed class FastPathMiddleware
{
    private readonly ListenOptions _listen;
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;
    private IServiceScopeFactory? _scopes;
    private FastPathRoutes? _routes;
    private int _watching;

    public FastPathMiddleware(ListenOptions listen)
    {
        _listen = listen;
        _services = listen.ApplicationServices;
        _logger = _services.GetService<ILoggerFactory>()?.CreateLogger(Log.Category) ?? NullLogger.Instance;
    }

    public Task OnConnectionAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        FastPathRoutes routes = _routes ?? LoadRoutes();
        return routes.Count == 0 ? next(connection) : ServeAsync(connection, next, routes);
    }

    private async Task ServeAsync(ConnectionContext connection, ConnectionDelegate next, FastPathRoutes routes)
    {
        KestrelServerLimits limits = _listen.KestrelServerOptions.Limits;
        PipeReader input = connection.Transport.Input;
        CancellationTokenSource? deadline = null;
        bool examined = false;
        ReadOnlySequence<byte> buffer;
        int length;
        FastPathRoute? route;
        try
        {
            while (true)
            {
                ReadResult result;
                try
                {
                    result = await input.ReadAsync(deadline?.Token ?? default);
                }
                catch (OperationCanceledException) when (deadline is { IsCancellationRequested: true })
                {
                    // The head did not arrive within Kestrel's RequestHeadersTimeout: Kestrel takes over, bytes and all.
                    await DeclineAsync(connection, next, FastPathDecline.Limits, replay: true);
                    return;
                }
                catch (Exception exception) when (exception is ConnectionResetException or ConnectionAbortedException or System.IO.IOException)
                {
                    // The client went away before its head was complete: nothing to answer, and not the server's fault.
                    LogDeclined(connection, FastPathDecline.Limits);
                    return;
                }

                buffer = result.Buffer;
                bool complete = FastPathHead.TryFindEnd(buffer, routes, limits.MaxRequestLineSize, limits.MaxRequestHeadersTotalSize,
                    out length, out route, out FastPathDecline? decline);
                if (!complete && decline is null && result.IsCompleted)
                {
                    decline = FastPathDecline.Limits;
                }

                // The head is decided: its timer has done its job, whatever the connection does next.
                if (decline is not null || complete)
                {
                    deadline?.Dispose();
                    deadline = null;
                }

                if (decline is { } reason)
                {
                    await HandOverAsync(connection, next, buffer, reason, examined);
                    return;
                }

                if (complete)
                {
                    break;
                }

                // Only part of the head so far: wait for more, as long as Kestrel would.
                input.AdvanceTo(buffer.Start, buffer.End);
                examined = true;
                if (deadline is null)
                {
                    deadline = new CancellationTokenSource(limits.RequestHeadersTimeout);
                }
            }
        }
        finally
        {
            deadline?.Dispose();
        }

        // The head is complete. It is served here, in the same method, so a connection costs one state machine.
        ReadOnlySequence<byte> bytes = buffer.Slice(0, length);
        FastPathHead? head = FastPathHead.Parse(bytes, limits.MaxRequestHeaderCount, out FastPathDecline refused);
        bool https = connection.Features.Get<ITlsConnectionFeature>() is not null;
        if (head is not null && ConnectionUpgradeListener.ServesConnectionUpgrades(_listen) && OffersConnectionProtocol(head))
        {
            // TLS and h2c on this listener are negotiated by the app's first middleware, not by the endpoint.
            refused = FastPathDecline.NotUpgrade;
            head = null;
        }

        if (head is null)
        {
            await HandOverAsync(connection, next, buffer, refused, examined);
            return;
        }

        // The head is the fast path's now; bytes pipelined behind it stay in the pipe for the handler (or Kestrel).
        input.AdvanceTo(bytes.End);
        await using var host = new FastPathConnection(connection, head, route!, https, _listen.KestrelServerOptions.AddServerHeader,
            _scopes ??= _services.GetRequiredService<IServiceScopeFactory>(), _logger);
        try
        {
            await route!.Upgrade.Endpoint.DispatchAsync(host, new FastPathRequestView(head, https));
        }
        finally
        {
            // The handler has returned: the head's text goes back to the pool.
            head.Return();
        }

        if (host.KeepAlive)
        {
            // A refusal without a Connection field leaves the connection open, as it would after MapUpgrade's answer:
            // Kestrel serves whatever the client sends next.
            await next(connection);
        }
    }

    /// <summary>
    /// Gives Kestrel every byte of <paramref name="buffer"/>, then the rest of the connection. After a single read nothing
    /// was marked examined, so Kestrel's first read returns those bytes at once; after several they are replayed.
    /// </summary>
    private Task HandOverAsync(ConnectionContext connection, ConnectionDelegate next, ReadOnlySequence<byte> buffer, FastPathDecline reason, bool examined)
    {
        if (examined)
        {
            return ReplayAsync(connection, next, buffer, reason);
        }

        connection.Transport.Input.AdvanceTo(buffer.Start);
        LogDeclined(connection, reason);
        return next(connection);
    }

    /// <summary>Gives Kestrel every byte read so far, then the rest of the connection, after waiting for more than one read.</summary>
    private Task ReplayAsync(ConnectionContext connection, ConnectionDelegate next, ReadOnlySequence<byte> buffer, FastPathDecline reason)
    {
        byte[] read = buffer.ToArray();
        connection.Transport.Input.AdvanceTo(buffer.End);
        connection.Transport = new PrefixedTransport(read, connection.Transport);
        LogDeclined(connection, reason);
        return next(connection);
    }

    private Task DeclineAsync(ConnectionContext connection, ConnectionDelegate next, FastPathDecline reason, bool replay)
    {
        PipeReader input = connection.Transport.Input;
        if (replay && input.TryRead(out ReadResult result))
        {
            return ReplayAsync(connection, next, result.Buffer, reason);
        }

        LogDeclined(connection, reason);
        return next(connection);
    }

    private static bool OffersConnectionProtocol(FastPathHead head)
    {
        foreach (FastPathField field in head.Fields)
        {
            if (field.Kind == (int)UpgradeRequestHeader.Upgrade)
            {
                ReadOnlySpan<char> value = head.ValueOf(field);
                if (value.Contains("h2c", StringComparison.OrdinalIgnoreCase) || value.Contains("tls", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Finds the endpoints to serve on the first connection: routes exist only once the app is built.</summary>
    private FastPathRoutes LoadRoutes()
    {
        if (!IsEligibleListener(out string why))
        {
            Log.FastPathDisabled(_logger, _listen.ToString() ?? "?", why);
            return _routes = FastPathRoutes.Empty;
        }

        EndpointDataSource? source = _services.GetService<EndpointDataSource>();
        if (source is null)
        {
            Log.FastPathDisabled(_logger, _listen.ToString() ?? "?", "the app has no endpoint routing");
            return _routes = FastPathRoutes.Empty;
        }

        FastPathRoutes routes = FastPathRoutes.From(source.Endpoints);
        foreach (string excluded in routes.Excluded)
        {
            Log.FastPathRouteExcluded(_logger, excluded);
        }

        // Endpoints can change at run time (a data source with a change token): look again when they do.
        if (Interlocked.Exchange(ref _watching, 1) == 0)
        {
            ChangeToken.OnChange(source.GetChangeToken, () => _routes = null);
        }

        return _routes = routes;
    }

    private bool IsEligibleListener(out string why)
    {
        if ((_listen.Protocols & HttpProtocols.Http1) == 0)
        {
            why = "the listener does not speak HTTP/1.1";
            return false;
        }

        if (_listen.KestrelServerOptions.Limits.MaxConcurrentUpgradedConnections is not null)
        {
            // Kestrel counts upgraded connections in its HTTP engine, which the fast path bypasses: it leaves them to it.
            why = "KestrelServerLimits.MaxConcurrentUpgradedConnections is set";
            return false;
        }

        if (_services.GetService<IOptions<HostFilteringOptions>>()?.Value.AllowedHosts is { Count: > 0 } hosts && hosts.Any(host => host != "*"))
        {
            why = "host filtering (AllowedHosts) is configured";
            return false;
        }

        why = string.Empty;
        return true;
    }

    private void LogDeclined(ConnectionContext connection, FastPathDecline reason)
    {
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            Log.FastPathDeclined(_logger, connection.ConnectionId, reason);
        }
    }
}
