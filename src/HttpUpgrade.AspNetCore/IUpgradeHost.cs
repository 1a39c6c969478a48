using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace HttpUpgrade.AspNetCore;

/// <summary>
/// What <see cref="UpgradeHandlerRunner"/> needs from the server that received an upgrade request: its services, how to
/// answer it, and how to switch. Kestrel's HTTP engine (<see cref="HttpContextUpgradeHost"/>) is one such server; the
/// connection-level fast path (<c>FastPath.FastPathConnection</c>) is the other. Implementations are structs or
/// sealed classes, and the runner is generic over them, so the usual path neither boxes nor dispatches virtually.
/// </summary>
internal interface IUpgradeHost
{
    /// <summary>The services the handler is created from: the request's (scoped) services.</summary>
    IServiceProvider Services { get; }

    /// <summary>What <see cref="UpgradeContext.HostContext"/> carries for the handler.</summary>
    object HostContext { get; }

    /// <summary>The request's path, for logs.</summary>
    string Path { get; }

    /// <summary>The request's protocol (<c>HTTP/1.1</c>, ...), for logs.</summary>
    string HttpProtocol { get; }

    /// <summary>Cancelled when the client goes away.</summary>
    CancellationToken Aborted { get; }

    /// <summary>Whether the server can carry out <paramref name="decision"/>'s switch.</summary>
    bool CanSwitchProtocols(in UpgradeDecision decision);

    /// <summary>Writes a refusal as it is: status, fields, body.</summary>
    Task WriteRefusalAsync(UpgradeDecision refusal);

    /// <summary>Sends the decision's 101 (or extended CONNECT's 200) and returns the upgraded connection; throws when it cannot.</summary>
    ValueTask<Stream> SwitchProtocolsAsync(UpgradeDecision decision);

    /// <summary>After a failed switch: true when nothing was sent yet (the response is reset, so a refusal can follow).</summary>
    bool TryResetResponse();

    /// <summary>Drops the connection.</summary>
    void Abort();
}

/// <summary>A request served by Kestrel's HTTP engine (through routing, a <c>MapUpgrade</c> endpoint).</summary>
internal readonly struct HttpContextUpgradeHost(HttpContext context) : IUpgradeHost
{
    private readonly RequestServicesProvider _services = new(context);

    /// <summary>The request's services, its scope created on the first service asked for, as Kestrel creates it on first use.</summary>
    public IServiceProvider Services => _services;

    public object HostContext => context;

    public string Path => context.Request.Path.Value ?? "/";

    public string HttpProtocol => context.Request.Protocol;

    public CancellationToken Aborted => context.RequestAborted;

    public bool CanSwitchProtocols(in UpgradeDecision decision) => decision.IsExtendedConnect
        ? context.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true }
        : context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true };

    public Task WriteRefusalAsync(UpgradeDecision refusal) => UpgradeResponseWriter.WriteAsync(context, refusal);

    public ValueTask<Stream> SwitchProtocolsAsync(UpgradeDecision decision)
    {
        UpgradeResponseWriter.SetHead(context.Response, decision);

        // RFC 8441 §5: over HTTP/2 the server accepts with a 200 on the stream, which then carries the protocol.
        return decision.IsExtendedConnect
            ? context.Features.GetRequiredFeature<IHttpExtendedConnectFeature>().AcceptAsync()
            : new ValueTask<Stream>(context.Features.GetRequiredFeature<IHttpUpgradeFeature>().UpgradeAsync());
    }

    public bool TryResetResponse()
    {
        if (context.Response.HasStarted)
        {
            return false;
        }

        context.Response.Clear();
        return true;
    }

    public void Abort() => context.Abort();
}

/// <summary>
/// <see cref="HttpContext.RequestServices"/>, read when a service is first asked for: a handler that needs no services
/// (an echo, a proxy) costs its request no scope, as the same endpoint without this library would not.
/// </summary>
internal sealed class RequestServicesProvider(HttpContext context) : IServiceProvider, ISupportRequiredService, IKeyedServiceProvider
{
    public object? GetService(Type serviceType) => context.RequestServices.GetService(serviceType);

    public object GetRequiredService(Type serviceType) => context.RequestServices.GetRequiredService(serviceType);

    public object? GetKeyedService(Type serviceType, object? serviceKey) => context.RequestServices.GetKeyedService(serviceType, serviceKey);

    public object GetRequiredKeyedService(Type serviceType, object? serviceKey) => context.RequestServices.GetRequiredKeyedService(serviceType, serviceKey);
}
