using System;
using System.IO;
using System.IO.Pipelines;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace HttpUpgrade.AspNetCore.FastPath;

/// <summary>
/// One upgrade request answered by the fast path, as <see cref="UpgradeHandlerRunner"/> sees its host: the request's
/// services (a scope of its own, as Kestrel gives each request), the connection's pipes for the 101 and what follows,
/// and, for a handler that asks (<see cref="UpgradeContextHttpExtensions.GetHttpContext"/>), an <see cref="HttpContext"/>
/// built on first use from the head.
/// </summary>
internal sealed class FastPathConnection(
    ConnectionContext connection, FastPathHead head, FastPathRoute route, bool https, bool serverHeader, IServiceScopeFactory scopes, ILogger logger)
    : IUpgradeHost, IAsyncDisposable, IServiceProvider, ISupportRequiredService, IKeyedServiceProvider
{
    private AsyncServiceScope? _scope;
    private HttpContext? _httpContext;
    private bool _written;

    /// <summary>Whether a refusal was written that leaves the connection open, so Kestrel serves what follows.</summary>
    public bool KeepAlive { get; private set; }

    /// <summary>This object: the request's scope is created on the first service asked for, so a handler that needs none costs none.</summary>
    public IServiceProvider Services => this;

    /// <summary>This object: <see cref="UpgradeContextHttpExtensions.GetHttpContext"/> asks it for <see cref="HttpContext"/>.</summary>
    public object HostContext => this;

    /// <summary>The route's path: the request's path up to case, without an allocation per request.</summary>
    public string Path => route.Path;

    public string HttpProtocol => "HTTP/1.1";

    public CancellationToken Aborted => connection.ConnectionClosed;

    /// <summary>The request as ASP.NET Core presents it, created the first time a handler asks.</summary>
    public HttpContext HttpContext => _httpContext ??= CreateHttpContext();

    private IServiceProvider RequestServices => (_scope ??= scopes.CreateAsyncScope()).ServiceProvider;

    public object? GetService(Type serviceType) => RequestServices.GetService(serviceType);

    public object GetRequiredService(Type serviceType) => RequestServices.GetRequiredService(serviceType);

    public object? GetKeyedService(Type serviceType, object? serviceKey) => RequestServices.GetKeyedService(serviceType, serviceKey);

    public object GetRequiredKeyedService(Type serviceType, object? serviceKey) => RequestServices.GetRequiredKeyedService(serviceType, serviceKey);

    public bool CanSwitchProtocols(in UpgradeDecision decision) => !decision.IsExtendedConnect;

    public Task WriteRefusalAsync(UpgradeDecision refusal)
    {
        _written = true;
        Log.FastPathServed(logger, connection.ConnectionId, route.Path, refusal.StatusCode);
        // Kestrel keeps a connection after a response only when the response names no Connection option (or keep-alive,
        // which a decision never does): Connection: Upgrade ends it as Connection: close does.
        KeepAlive = !refusal.CloseConnection && !refusal.ConnectionUpgrade;
        FastPathResponse.WriteRefusal(connection.Transport.Output, refusal, serverHeader);
        return connection.Transport.Output.FlushAsync().AsTask();
    }

    public ValueTask<Stream> SwitchProtocolsAsync(UpgradeDecision decision)
    {
        _written = true;
        Log.FastPathServed(logger, connection.ConnectionId, route.Path, decision.StatusCode);
        FastPathResponse.WriteSwitchingProtocols(connection.Transport.Output, decision, serverHeader);
        ValueTask<FlushResult> flush = connection.Transport.Output.FlushAsync();
        return flush.IsCompletedSuccessfully ? new ValueTask<Stream>(Switched(flush.Result)) : AwaitSwitchedAsync(flush);
    }

    public bool TryResetResponse() => !_written;

    public void Abort() => connection.Abort(new ConnectionAbortedException("The upgrade handler failed."));

    public ValueTask DisposeAsync() => _scope?.DisposeAsync() ?? default;

    private HttpContext CreateHttpContext()
    {
        // The head's text is pooled once the handler returns: a context asked for after that would read another's bytes.
        ObjectDisposedException.ThrowIf(head.IsReturned, this);
        var headers = new HeaderDictionary();
        foreach (FastPathField field in head.Fields)
        {
            string name = head.GetName(field);
            headers[name] = StringValues.Concat(headers[name], head.GetValue(field));
        }

        string query = new(head.Query);
        var request = new HttpRequestFeature
        {
            Protocol = HttpProtocol,
            Method = HttpMethods.Get,
            Scheme = https ? "https" : "http",
            PathBase = string.Empty,
            Path = new string(head.Path),
            QueryString = query,
            RawTarget = new string(head.Path) + query,
            Headers = headers,
        };

        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(request);
        features.Set<IHttpResponseFeature>(new HttpResponseFeature { StatusCode = StatusCodes.Status101SwitchingProtocols });
        features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null));
        features.Set<IHttpRequestLifetimeFeature>(new Lifetime(this));
        features.Set<IServiceProvidersFeature>(new ServiceProvidersFeature { RequestServices = RequestServices });
        features.Set<IHttpConnectionFeature>(new HttpConnectionFeature
        {
            ConnectionId = connection.ConnectionId,
            LocalIpAddress = (connection.LocalEndPoint as IPEndPoint)?.Address,
            LocalPort = (connection.LocalEndPoint as IPEndPoint)?.Port ?? 0,
            RemoteIpAddress = (connection.RemoteEndPoint as IPEndPoint)?.Address,
            RemotePort = (connection.RemoteEndPoint as IPEndPoint)?.Port ?? 0,
        });

        var context = new DefaultHttpContext(features);
        context.SetEndpoint(route.Endpoint);
        return context;
    }

    private async ValueTask<Stream> AwaitSwitchedAsync(ValueTask<FlushResult> flush) => Switched(await flush);

    /// <summary>The connection as a stream once the 101 is out; a client gone before that fails the switch.</summary>
    private Stream Switched(FlushResult flushed) => flushed.IsCanceled || flushed.IsCompleted
        ? throw new IOException("The client went away before the 101 was sent.")
        : new DuplexPipeStream(connection.Transport);

    private sealed class Lifetime(FastPathConnection owner) : IHttpRequestLifetimeFeature
    {
        public CancellationToken RequestAborted { get => owner.Aborted; set => throw new NotSupportedException(); }

        public void Abort() => owner.Abort();
    }
}
