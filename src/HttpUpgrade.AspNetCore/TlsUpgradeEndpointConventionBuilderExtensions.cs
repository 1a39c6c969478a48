using System;
using HttpUpgrade;
using HttpUpgrade.AspNetCore;
using Microsoft.AspNetCore.Http;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Endpoints served only over TLS, reached by upgrading a plain connection (RFC 2817 §4.2).</summary>
public static class TlsUpgradeEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Answers a request that did not arrive over TLS with <c>426 Upgrade Required</c>, <c>Upgrade: TLS/1.2, HTTP/1.1</c>,
    /// <c>Connection: Upgrade</c> and a one-line body (RFC 2817 §4.2); over TLS (an upgraded connection or <c>UseHttps</c>)
    /// the endpoint runs. Pair it with <c>UseTlsUpgrade</c> on the listener, so the client can do what the 426 asks.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint's convention builder.</typeparam>
    /// <param name="builder">The endpoint.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    public static TBuilder RequireTlsUpgrade<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(static endpoint =>
        {
            RequestDelegate next = endpoint.RequestDelegate
                ?? throw new InvalidOperationException($"RequireTlsUpgrade() on '{endpoint.DisplayName}': the endpoint has no request delegate to guard.");
            endpoint.RequestDelegate = context => context.Request.IsHttps
                ? next(context)
                : UpgradeResponseWriter.WriteAsync(context, UpgradeDecision.RequireTls(HttpRequestUpgradeView.VersionOf(context.Request.Protocol)));
        });

        return builder;
    }
}
