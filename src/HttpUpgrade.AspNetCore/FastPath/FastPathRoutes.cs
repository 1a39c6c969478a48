using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;

namespace HttpUpgrade.AspNetCore.FastPath;

/// <summary>One path the fast path serves: a <c>MapUpgrade</c> endpoint whose route is a literal path.</summary>
internal sealed class FastPathRoute(string path, byte[] pathBytes, RouteEndpoint endpoint, UpgradeFastPathMetadata upgrade)
{
    /// <summary>The literal path, as the route pattern spells it.</summary>
    public string Path { get; } = path;

    public byte[] PathBytes { get; } = pathBytes;

    public RouteEndpoint Endpoint { get; } = endpoint;

    public UpgradeFastPathMetadata Upgrade { get; } = upgrade;
}

/// <summary>
/// The <c>MapUpgrade</c> endpoints the fast path may serve, found in the app's endpoints once they are known. An endpoint
/// qualifies only when routing could not choose another endpoint for its path and it carries no metadata beyond what the
/// fast path honours: anything else (authorization, CORS, rate limiting, antiforgery, <c>RequireHost</c>, a filter, any
/// metadata this list does not name) leaves its requests to Kestrel and the app's middleware.
/// </summary>
internal sealed class FastPathRoutes
{
    private readonly FastPathRoute[] _routes;

    private FastPathRoutes(FastPathRoute[] routes, IReadOnlyList<string> excluded)
    {
        _routes = routes;
        Excluded = excluded;
    }

    public static FastPathRoutes Empty { get; } = new([], []);

    public int Count => _routes.Length;

    /// <summary>The <c>MapUpgrade</c> patterns left to Kestrel, each with the reason, for the startup log.</summary>
    public IReadOnlyList<string> Excluded { get; }

    /// <summary>The route for <paramref name="path"/> (ASCII bytes), compared case-insensitively as routing compares literals.</summary>
    public FastPathRoute? Find(ReadOnlySpan<byte> path)
    {
        foreach (FastPathRoute route in _routes)
        {
            if (route.PathBytes.Length == path.Length && System.Text.Ascii.EqualsIgnoreCase(route.PathBytes, path))
            {
                return route;
            }
        }

        return null;
    }

    public static FastPathRoutes From(IReadOnlyList<Endpoint> endpoints)
    {
        var routes = new List<FastPathRoute>();
        var excluded = new List<string>();
        RouteEndpoint[] all = endpoints.OfType<RouteEndpoint>().ToArray();
        foreach (RouteEndpoint endpoint in all)
        {
            if (endpoint.Metadata.GetMetadata<UpgradeFastPathMetadata>() is not { } upgrade)
            {
                continue;
            }

            string pattern = endpoint.RoutePattern.RawText ?? endpoint.DisplayName ?? "?";
            if (LiteralPath(endpoint.RoutePattern) is not { } path)
            {
                excluded.Add($"{pattern}: the route pattern is not a literal path");
            }
            else if (UnhonouredMetadata(endpoint) is { } metadata)
            {
                excluded.Add($"{pattern}: it carries metadata the fast path does not honour ({metadata.GetType().FullName})");
            }
            else if (Competitor(endpoint, path, all) is { } other)
            {
                excluded.Add($"{pattern}: routing could choose another endpoint for it ({other.DisplayName})");
            }
            else
            {
                routes.Add(new FastPathRoute(path, Encoding.ASCII.GetBytes(path), endpoint, upgrade));
            }
        }

        return new FastPathRoutes(routes.ToArray(), excluded);
    }

    /// <summary>
    /// The path a literal pattern matches, or null when the pattern has a parameter, a segment a request line cannot
    /// carry unencoded, or a dot segment (which Kestrel removes before routing, RFC 3986 §5.2.4).
    /// </summary>
    private static string? LiteralPath(RoutePattern pattern)
    {
        if (pattern.Parameters.Count != 0)
        {
            return null;
        }

        var path = new StringBuilder();
        foreach (RoutePatternPathSegment segment in pattern.PathSegments)
        {
            if (segment.Parts.Count != 1 || segment.Parts[0] is not RoutePatternLiteralPart literal)
            {
                return null;
            }

            string content = literal.Content;
            if (content.Length == 0 || content is "." or ".." || !IsPlainSegment(content))
            {
                return null;
            }

            path.Append('/').Append(content);
        }

        return path.Length == 0 ? "/" : path.ToString();
    }

    private static bool IsPlainSegment(string segment)
    {
        foreach (char c in segment)
        {
            bool plain = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
                or '-' or '.' or '_' or '~' or '!' or '$' or '&' or '\'' or '(' or ')' or '*' or '+' or ',' or ';' or '=' or ':' or '@';
            if (!plain)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The first metadata item the fast path cannot honour, or null. A whitelist: what the endpoint itself carries
    /// (this metadata, the request delegate's method and compiler attributes), routing's own bookkeeping, and
    /// descriptions for API explorers. Everything else might change how a request is answered, so Kestrel answers.
    /// </summary>
    private static object? UnhonouredMetadata(RouteEndpoint endpoint)
    {
        foreach (object item in endpoint.Metadata)
        {
            bool honoured = item is UpgradeFastPathMetadata
                or MethodInfo
                or IRouteDiagnosticsMetadata
                or IEndpointNameMetadata
                or IRouteNameMetadata
                or ITagsMetadata
                or IEndpointDescriptionMetadata
                or IEndpointSummaryMetadata
                or IExcludeFromDescriptionMetadata
                or IEndpointGroupNameMetadata
                || (item is Attribute && item.GetType().Namespace is "System.Runtime.CompilerServices" or "System.Diagnostics" or "System.Diagnostics.CodeAnalysis");
            if (!honoured)
            {
                return item;
            }
        }

        return null;
    }

    /// <summary>
    /// Another endpoint routing might pick for <paramref name="path"/>: one with the same literal path (any method; the
    /// matcher would then choose by method, host or order), or one with parameters that is tried first (a lower
    /// <see cref="RouteEndpoint.Order"/>). A literal beats a parameter at equal order (route precedence).
    /// </summary>
    private static RouteEndpoint? Competitor(RouteEndpoint endpoint, string path, RouteEndpoint[] all)
    {
        foreach (RouteEndpoint other in all)
        {
            if (ReferenceEquals(other, endpoint))
            {
                continue;
            }

            string? otherPath = LiteralPath(other.RoutePattern);
            if (otherPath is not null ? otherPath.Equals(path, StringComparison.OrdinalIgnoreCase) : other.Order < endpoint.Order)
            {
                return other;
            }
        }

        return null;
    }
}
