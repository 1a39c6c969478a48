using System;

namespace HttpUpgrade;

/// <summary>The HTTP version of a request, as far as upgrading is concerned.</summary>
public enum UpgradeHttpVersion
{
    /// <summary>A version the negotiator does not know; never upgrades.</summary>
    Unknown = 0,

    /// <summary>HTTP/1.0: never upgrades (RFC 9110 §7.8: a server MUST ignore Upgrade in an HTTP/1.0 request).</summary>
    Http10,

    /// <summary>HTTP/1.1: the only version that upgrades with <c>Upgrade</c>.</summary>
    Http11,

    /// <summary>HTTP/2: forbids connection-specific fields (RFC 9113 §8.2.2); WebSockets use extended CONNECT.</summary>
    Http2,

    /// <summary>HTTP/3: as HTTP/2 (RFC 9114 §4.2).</summary>
    Http3,
}

/// <summary>The request header fields the negotiator reads.</summary>
public enum UpgradeRequestHeader
{
    /// <summary><c>Connection</c> (RFC 9110 §7.6.1).</summary>
    Connection,

    /// <summary><c>Upgrade</c> (RFC 9110 §7.8).</summary>
    Upgrade,

    /// <summary><c>Host</c>.</summary>
    Host,

    /// <summary><c>Sec-WebSocket-Key</c> (RFC 6455 §11.3.1).</summary>
    SecWebSocketKey,

    /// <summary><c>Sec-WebSocket-Version</c> (RFC 6455 §11.3.5).</summary>
    SecWebSocketVersion,

    /// <summary><c>Sec-WebSocket-Protocol</c> (RFC 6455 §11.3.4).</summary>
    SecWebSocketProtocol,

    /// <summary><c>Sec-WebSocket-Extensions</c> (RFC 6455 §11.3.2).</summary>
    SecWebSocketExtensions,

    /// <summary><c>Origin</c> (RFC 6454).</summary>
    Origin,

    /// <summary><c>Content-Length</c>.</summary>
    ContentLength,

    /// <summary><c>Transfer-Encoding</c>.</summary>
    TransferEncoding,

    /// <summary><c>Expect</c> (RFC 9110 §10.1.1).</summary>
    Expect,

    /// <summary>
    /// The request's scheme, <c>http</c> or <c>https</c>: HTTP/2's <c>:scheme</c> pseudo-header, or for HTTP/1.1 the scheme
    /// of the connection the request arrived on. A host that does not report it is taken to be plain <c>http</c>, so an
    /// <c>https</c> page's <c>Origin</c> is then never same-origin (the origin check fails closed).
    /// </summary>
    Scheme,

    /// <summary>
    /// The <c>:protocol</c> pseudo-header of an HTTP/2 or HTTP/3 extended CONNECT request (RFC 8441 §4, RFC 9220):
    /// the upgrade token the client asks to tunnel, for example <c>websocket</c>. Absent on every other request.
    /// </summary>
    Protocol,

    /// <summary><c>HTTP2-Settings</c> (RFC 7540 §3.2.1): the client's HTTP/2 settings on an <c>h2c</c> upgrade.</summary>
    Http2Settings,

    /// <summary><c>Keep-Alive</c>: connection-specific, so malformed on an HTTP/2 or HTTP/3 request (RFC 9113 §8.2.2).</summary>
    KeepAlive,

    /// <summary><c>Proxy-Connection</c>: connection-specific, so malformed on an HTTP/2 or HTTP/3 request (RFC 9113 §8.2.2).</summary>
    ProxyConnection,

    /// <summary><c>TE</c>: on an HTTP/2 or HTTP/3 request only <c>trailers</c> is allowed (RFC 9113 §8.2.2).</summary>
    TE,
}

/// <summary>
/// A read-only view of a request head, implemented by each host (the ASP.NET Core adapter wraps <c>HttpRequest</c>).
/// Implement it on a struct so the generic negotiator runs without boxing.
/// </summary>
public interface IUpgradeRequest
{
    /// <summary>The request method, for example <c>GET</c>.</summary>
    string Method { get; }

    /// <summary>The request's HTTP version.</summary>
    UpgradeHttpVersion HttpVersion { get; }

    /// <summary>How many field lines of <paramref name="header"/> the request carries (0 when absent).</summary>
    int GetFieldLineCount(UpgradeRequestHeader header);

    /// <summary>The value of the <paramref name="index"/>th field line of <paramref name="header"/>.</summary>
    ReadOnlySpan<char> GetFieldLine(UpgradeRequestHeader header, int index);
}
