using System;
using HttpUpgrade.AspNetCore.Connections;
using HttpUpgrade.AspNetCore.FastPath;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Microsoft.AspNetCore.Hosting;

/// <summary>The opt-in connection-level fast path for <c>MapUpgrade</c> endpoints.</summary>
public static class UpgradeFastPathListenOptionsExtensions
{
    /// <summary>
    /// Answers upgrade requests for <c>MapUpgrade</c> endpoints straight from this listener's connections: when a
    /// connection's first request is an HTTP/1.1 <c>GET</c> upgrade for the literal path of such an endpoint, in a head
    /// the fast path fully understands, the endpoint's own negotiator answers it here and its handler runs over the
    /// connection, without Kestrel's HTTP engine, routing or the app's middleware. The answer is the one
    /// <c>MapUpgrade</c> gives, byte for byte. Every other connection (any doubt about the head, any other request, an
    /// endpoint with authorization, CORS, rate limiting or other metadata the fast path cannot honour) reaches
    /// Kestrel's HTTP engine with its bytes untouched. See docs/fast-path.md.
    /// </summary>
    /// <param name="listen">The listener, from <c>ConfigureKestrel</c>, <c>ConfigureEndpointDefaults</c> or a <c>Kestrel:Endpoints</c> endpoint.</param>
    /// <returns><paramref name="listen"/>, for chaining.</returns>
    public static ListenOptions UseUpgradeFastPath(this ListenOptions listen)
    {
        ArgumentNullException.ThrowIfNull(listen);

        // ConfigureEndpointDefaults reaches the internal re-entry endpoints too; they carry upgraded connections, not requests.
        if (listen.EndPoint is ReentryEndPoint)
        {
            return listen;
        }

        var middleware = new FastPathMiddleware(listen);
        listen.Use(next => connection => middleware.OnConnectionAsync(connection, next));
        return listen;
    }
}
