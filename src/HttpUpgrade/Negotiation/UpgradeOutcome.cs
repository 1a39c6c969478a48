namespace HttpUpgrade;

/// <summary>What the host should do with a request.</summary>
public enum UpgradeOutcome
{
    /// <summary>Serve the request normally: it does not upgrade here.</summary>
    Ignore = 0,

    /// <summary>Answer <c>101 Switching Protocols</c> with the decision's headers, then run the handler.</summary>
    Accept = 1,

    /// <summary>Answer with the decision's status code and headers; no handler runs.</summary>
    Reject = 2,
}

/// <summary>
/// Why a request was rejected or ignored. Each value maps to one status code and one message, in one table: a host
/// reads both from the <see cref="UpgradeDecision"/> and decides neither.
/// </summary>
public enum UpgradeReason
{
    /// <summary>Accepted.</summary>
    None = 0,

    /// <summary>The request is not HTTP/1.1; HTTP/1.0, HTTP/2 and HTTP/3 never upgrade with <c>Upgrade</c>.</summary>
    NotHttp11,

    /// <summary><c>Connection: upgrade</c> or <c>Upgrade</c> is missing.</summary>
    NotAnUpgrade,

    /// <summary>An <c>Upgrade</c> element is not <c>token ["/" token]</c>.</summary>
    MalformedUpgrade,

    /// <summary>The <c>Upgrade</c> header lists more protocols than the negotiator reads.</summary>
    TooManyOffers,

    /// <summary>No offered protocol name is registered.</summary>
    NoRegisteredProtocol,

    /// <summary>An offered protocol is registered, but not with the offered version.</summary>
    UnsupportedProtocolVersion,

    /// <summary>The upgrade request carries content (Content-Length or Transfer-Encoding).</summary>
    RequestHasContent,

    /// <summary>A WebSocket opening handshake must use GET (RFC 6455 §4.1).</summary>
    MethodNotAllowed,

    /// <summary><c>Sec-WebSocket-Version</c> is missing, repeated or names a version no handler accepts (RFC 6455 §4.2.2).</summary>
    UnsupportedWebSocketVersion,

    /// <summary><c>Sec-WebSocket-Key</c> is missing.</summary>
    MissingWebSocketKey,

    /// <summary><c>Sec-WebSocket-Key</c> appears on more than one field line (RFC 6455 §11.3.1).</summary>
    DuplicateWebSocketKey,

    /// <summary><c>Sec-WebSocket-Key</c> is not 16 bytes of base64 (RFC 6455 §4.1).</summary>
    InvalidWebSocketKey,

    /// <summary>An element of <c>Sec-WebSocket-Protocol</c> is not a token (RFC 6455 §4.1).</summary>
    MalformedSubProtocol,

    /// <summary><c>Host</c> is missing, empty or repeated (RFC 9112 §3.2, RFC 6455 §4.2.1 item 2).</summary>
    InvalidHost,

    /// <summary>The upgrade request carries an <c>Expect</c> field, which an upgrade cannot meet (RFC 9110 §10.1.1).</summary>
    ExpectationFailed,

    /// <summary>The <c>Origin</c> of a WebSocket handshake is not allowed by the endpoint's origin policy (RFC 6455 §10.2).</summary>
    OriginNotAllowed,

    /// <summary>
    /// No handler speaks any subprotocol the client offered (or the client offered none), and every candidate handler
    /// requires one; see <see cref="UpgradeNegotiatorOptions.UnmatchedSubProtocol"/>.
    /// </summary>
    NoAcceptableSubProtocol,

    /// <summary>
    /// The negotiator accepted, but the host cannot switch this connection (it offers no upgrade for the request, as a
    /// server that already answered, or an HTTP/2 stream without extended CONNECT). Answered 426.
    /// </summary>
    HostCannotUpgrade,

    /// <summary>The host is shutting down and takes no new upgraded connections. Answered 503.</summary>
    ShuttingDown,

    /// <summary>The handler could not be constructed (for example, a service it needs is not registered). Answered 500.</summary>
    HandlerUnavailable,

    /// <summary>
    /// The host failed to switch protocols before anything was sent (for example, Kestrel's limit on upgraded
    /// connections). Answered 503.
    /// </summary>
    SwitchFailed,

    /// <summary>
    /// TLS or h2c offered on a connection that already uses TLS: there is nothing to switch to (RFC 2817 §3, RFC 7540
    /// §3.2). The request is served as it is.
    /// </summary>
    AlreadySecure,

    /// <summary>
    /// An <c>h2c</c> upgrade without exactly one valid <c>HTTP2-Settings</c> field (RFC 7540 §3.2.1). The request is served
    /// as HTTP/1.1.
    /// </summary>
    InvalidHttp2Settings,

    /// <summary>
    /// An HTTP/2 or HTTP/3 extended CONNECT carries a connection-specific field (<c>Connection</c>, <c>Upgrade</c>,
    /// <c>Keep-Alive</c>, <c>Proxy-Connection</c>, <c>Transfer-Encoding</c>, or <c>TE</c> other than <c>trailers</c>):
    /// the request is malformed (RFC 9113 §8.2.2).
    /// </summary>
    ConnectionSpecificField,

    /// <summary>The resource is served only over TLS: upgrade this connection with <c>Upgrade: TLS/1.2</c> (RFC 2817 §4.2).</summary>
    TlsRequired,

    /// <summary>
    /// The endpoint already holds as many upgraded connections as it allows. Answered 503, with <c>Retry-After</c> when the
    /// host gives one (RFC 9110 §15.6.4, §10.2.3), before any handler is created.
    /// </summary>
    ConnectionLimitReached,
}
