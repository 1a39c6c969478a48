namespace HttpUpgrade;

/// <summary>Which handshake rule a registration follows.</summary>
public enum UpgradeProtocolKind
{
    /// <summary>Any registered token: the 101 names the offer, then the handler owns the stream (RFC 9110 §7.8).</summary>
    Raw = 0,

    /// <summary>The <c>websocket</c> token: the RFC 6455 §4.2 opening handshake.</summary>
    WebSocket = 1,

    /// <summary>
    /// <c>TLS/1.x</c> (RFC 2817 §3): the connection switches to TLS, and the host's HTTP/1.1 engine answers the request
    /// over it. Served by the host, never by a generated handler.
    /// </summary>
    Tls = 2,

    /// <summary>
    /// <c>h2c</c> (RFC 7540 §3.2): the connection switches to cleartext HTTP/2, and the host's HTTP/2 engine answers the
    /// request as stream 1. Served by the host, never by a generated handler.
    /// </summary>
    H2c = 3,
}
