using System;
using System.Collections.Generic;
using System.Globalization;

namespace HttpUpgrade;

/// <summary>
/// Which browser origins may open a WebSocket (RFC 6455 §10.2): the same origin as the request (the default), an
/// explicit allow-list of <c>scheme://host[:port]</c> origins, or any origin. A handshake without <c>Origin</c> comes
/// from a non-browser client and is always allowed: the header protects browsers' users from cross-site pages, and a
/// non-browser client can send any value it likes anyway.
/// </summary>
/// <remarks>
/// A request whose <c>Origin</c> is repeated, is a list, is <c>null</c> (sandboxed frames, <c>file:</c> pages) or is not
/// a serialized origin (RFC 6454 §6.2) never matches, whatever the policy but <see cref="AnyOrigin"/>. The check is
/// allocation-free: the allow-list is parsed once, when the policy is built.
/// </remarks>
public sealed class WebSocketOriginPolicy
{
    private readonly OriginParts[] _allowed;

    private WebSocketOriginPolicy(WebSocketOriginMode mode, OriginParts[] allowed, string[] origins)
    {
        Mode = mode;
        _allowed = allowed;
        Origins = origins;
    }

    /// <summary>
    /// The default: the <c>Origin</c>'s scheme, host and port must equal the request's own (scheme of the connection,
    /// <c>Host</c> and its port, default ports filled in), as Spring's same-origin check and gorilla/websocket's
    /// <c>checkSameOrigin</c> require.
    /// </summary>
    public static WebSocketOriginPolicy SameOrigin { get; } = new(WebSocketOriginMode.SameOrigin, [], []);

    /// <summary>Every origin is allowed. Only for endpoints that authenticate each connection by other means than cookies.</summary>
    public static WebSocketOriginPolicy AnyOrigin { get; } = new(WebSocketOriginMode.AnyOrigin, [], []);

    /// <summary>What the policy compares against.</summary>
    public WebSocketOriginMode Mode { get; }

    /// <summary>The listed origins in normalized form (<c>https://example.com:8443</c>): for <see cref="WebSocketOriginMode.AllowList"/> the only ones allowed, for <see cref="WebSocketOriginMode.SameOrigin"/> those allowed besides the request's own.</summary>
    public IReadOnlyList<string> Origins { get; }

    /// <summary>
    /// Allows exactly the listed origins, each <c>scheme://host[:port]</c> (no path, no trailing slash); the request's
    /// own origin is allowed only if it is listed. Schemes and hosts compare case-insensitively; a port equal to the
    /// scheme's default (<c>http</c> 80, <c>https</c> 443) may be written or left out.
    /// </summary>
    /// <exception cref="ArgumentException">The list is empty, or an entry is not a serialized origin.</exception>
    public static WebSocketOriginPolicy AllowList(IEnumerable<string> origins)
    {
        (OriginParts[] parts, string[] normalized) = Parse(origins);
        if (parts.Length == 0)
        {
            throw new ArgumentException(
                "An origin allow-list without the same origin needs at least one origin; allow the same origin or any origin otherwise.",
                nameof(origins));
        }

        return new WebSocketOriginPolicy(WebSocketOriginMode.AllowList, parts, normalized);
    }

    /// <summary>
    /// Allows the request's own origin, as <see cref="SameOrigin"/> does, and the listed origins besides (written as for
    /// <see cref="AllowList"/>). An empty list is <see cref="SameOrigin"/>.
    /// </summary>
    /// <exception cref="ArgumentException">An entry is not a serialized origin.</exception>
    public static WebSocketOriginPolicy SameOriginAnd(IEnumerable<string> origins)
    {
        (OriginParts[] parts, string[] normalized) = Parse(origins);
        return parts.Length == 0 ? SameOrigin : new WebSocketOriginPolicy(WebSocketOriginMode.SameOrigin, parts, normalized);
    }

    private static (OriginParts[] Parts, string[] Normalized) Parse(IEnumerable<string> origins)
    {
        ArgumentNullException.ThrowIfNull(origins);
        var parts = new List<OriginParts>();
        var normalized = new List<string>();
        foreach (string origin in origins)
        {
            if (origin is null || !TryParseOrigin(origin.AsSpan(), out OriginSpans spans) || spans.Port < 0)
            {
                throw new ArgumentException(
                    $"'{origin}' is not an origin: write scheme://host[:port], for example https://example.com or http://localhost:5080, without a path.",
                    nameof(origins));
            }

            var entry = new OriginParts(spans.Scheme.ToString().ToLowerInvariant(), spans.Host.ToString().ToLowerInvariant(), spans.Port);
            string text = entry.ToString();
            if (!normalized.Contains(text))
            {
                normalized.Add(text);
                parts.Add(entry);
            }
        }

        return (parts.ToArray(), normalized.ToArray());
    }

    /// <inheritdoc />
    public override string ToString() => Origins.Count > 0 ? Mode + "(" + string.Join(", ", Origins) + ")" : Mode.ToString();

    /// <summary>Whether the request's <c>Origin</c> (if any) is allowed.</summary>
    internal bool IsAllowed<TRequest>(TRequest request)
        where TRequest : IUpgradeRequest
    {
        int lines = request.GetFieldLineCount(UpgradeRequestHeader.Origin);
        if (lines == 0 || Mode == WebSocketOriginMode.AnyOrigin)
        {
            return true;
        }

        // RFC 6454 §7.2: a user agent sends one Origin. Several field lines cannot be attributed to one page: fail closed.
        if (lines > 1 || !TryParseOrigin(HttpTokenGrammar.TrimWhitespace(request.GetFieldLine(UpgradeRequestHeader.Origin, 0)), out OriginSpans origin))
        {
            return false;
        }

        foreach (OriginParts allowed in _allowed)
        {
            if (origin.Port == allowed.Port
                && origin.Scheme.Equals(allowed.Scheme, StringComparison.OrdinalIgnoreCase)
                && origin.Host.Equals(allowed.Host, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        if (Mode == WebSocketOriginMode.AllowList)
        {
            return false;
        }

        // Same origin: the page's scheme, host and port against the request's own.
        ReadOnlySpan<char> scheme = "http";
        if (request.GetFieldLineCount(UpgradeRequestHeader.Scheme) == 1)
        {
            scheme = HttpTokenGrammar.TrimWhitespace(request.GetFieldLine(UpgradeRequestHeader.Scheme, 0));
        }

        if (request.GetFieldLineCount(UpgradeRequestHeader.Host) != 1
            || !TryParseAuthority(HttpTokenGrammar.TrimWhitespace(request.GetFieldLine(UpgradeRequestHeader.Host, 0)), DefaultPort(scheme), out ReadOnlySpan<char> host, out int port))
        {
            return false;
        }

        return origin.Port >= 0
            && origin.Port == port
            && origin.Scheme.Equals(scheme, StringComparison.OrdinalIgnoreCase)
            && origin.Host.Equals(host, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Parses a serialized origin (RFC 6454 §6.2): <c>scheme "://" host [ ":" port ]</c>. The port is the explicit one or
    /// the scheme's default, -1 when the scheme has no known default and none is written.
    /// </summary>
    internal static bool TryParseOrigin(ReadOnlySpan<char> value, out OriginSpans origin)
    {
        origin = default;
        int separator = value.IndexOf("://", StringComparison.Ordinal);
        if (separator <= 0)
        {
            return false;
        }

        ReadOnlySpan<char> scheme = value.Slice(0, separator);

        // RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
        if (!char.IsAsciiLetter(scheme[0]))
        {
            return false;
        }

        foreach (char c in scheme)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.'))
            {
                return false;
            }
        }

        if (!TryParseAuthority(value.Slice(separator + 3), DefaultPort(scheme), out ReadOnlySpan<char> host, out int port))
        {
            return false;
        }

        origin = new OriginSpans(scheme, host, port);
        return true;
    }

    /// <summary>
    /// Parses <c>uri-host [ ":" port ]</c> (RFC 9110 §7.2) with no userinfo, path, query or fragment. An IP-literal keeps
    /// its brackets. An absent or empty port takes <paramref name="defaultPort"/>.
    /// </summary>
    internal static bool TryParseAuthority(ReadOnlySpan<char> value, int defaultPort, out ReadOnlySpan<char> host, out int port)
    {
        host = default;
        port = -1;
        ReadOnlySpan<char> rest;
        if (value.StartsWith('['))
        {
            int close = value.IndexOf(']');
            if (close < 2)
            {
                return false;
            }

            foreach (char c in value.Slice(1, close - 1))
            {
                if (!(char.IsAsciiHexDigit(c) || c is ':' or '.'))
                {
                    return false;
                }
            }

            host = value.Slice(0, close + 1);
            rest = value.Slice(close + 1);
        }
        else
        {
            int colon = value.IndexOf(':');
            host = colon < 0 ? value : value.Slice(0, colon);
            rest = colon < 0 ? default : value.Slice(colon);
            if (host.IsEmpty)
            {
                return false;
            }

            // RFC 3986 §3.2.2: reg-name = *( unreserved / pct-encoded / sub-delims ); IPv4 is a special case of it.
            foreach (char c in host)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' or '%' or '!' or '$' or '&' or '\'' or '(' or ')' or '*' or '+' or ',' or ';' or '='))
                {
                    return false;
                }
            }
        }

        if (rest.IsEmpty)
        {
            port = defaultPort;
            return true;
        }

        if (rest[0] != ':')
        {
            return false;
        }

        ReadOnlySpan<char> digits = rest.Slice(1);
        if (digits.IsEmpty)
        {
            port = defaultPort;
            return true;
        }

        // RFC 3986 §3.2.3: port = *DIGIT. Checked before parsing because int.TryParse also takes trailing NULs ("80\0" is 80),
        // and an origin or authority carrying one is not the one it would then compare equal to.
        if (digits.Length > 5 || digits.ContainsAnyExceptInRange('0', '9')
            || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
        {
            return false;
        }

        return true;
    }

    private static int DefaultPort(ReadOnlySpan<char> scheme)
        => scheme.Equals("http", StringComparison.OrdinalIgnoreCase) || scheme.Equals("ws", StringComparison.OrdinalIgnoreCase) ? 80
            : scheme.Equals("https", StringComparison.OrdinalIgnoreCase) || scheme.Equals("wss", StringComparison.OrdinalIgnoreCase) ? 443
            : -1;

    internal readonly ref struct OriginSpans(ReadOnlySpan<char> scheme, ReadOnlySpan<char> host, int port)
    {
        public ReadOnlySpan<char> Scheme { get; } = scheme;

        public ReadOnlySpan<char> Host { get; } = host;

        public int Port { get; } = port;
    }

    private readonly record struct OriginParts(string Scheme, string Host, int Port)
    {
        public override string ToString() => Scheme + "://" + Host + ":" + Port.ToString(CultureInfo.InvariantCulture);
    }
}

/// <summary>What a <see cref="WebSocketOriginPolicy"/> compares a handshake's <c>Origin</c> against.</summary>
public enum WebSocketOriginMode
{
    /// <summary>The request's own scheme, host and port, and any listed origins besides.</summary>
    SameOrigin = 0,

    /// <summary>An explicit list of origins.</summary>
    AllowList = 1,

    /// <summary>Nothing: every origin is allowed.</summary>
    AnyOrigin = 2,
}
