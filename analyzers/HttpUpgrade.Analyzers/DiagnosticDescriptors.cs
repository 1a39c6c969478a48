using Microsoft.CodeAnalysis;

namespace HttpUpgrade.Analyzers;

/// <summary>Every diagnostic the HttpUpgrade analyzers report. IDs are fixed: users suppress and configure them by ID.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "HttpUpgrade";
    private const string HelpLinkBase = "https://github.com/httpupgrade/httpupgrade/blob/main/docs/diagnostics/";

    public static readonly DiagnosticDescriptor InvalidProtocolName = new(
        id: "UPG001",
        title: "Invalid protocol name",
        messageFormat: "'{0}' is not a valid protocol token: {1}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The protocol name of [UpgradeProtocol] must be an RFC 9110 token (RFC 9110 §5.6.2, §7.8): letters, digits and ! # $ % & ' * + - . ^ _ ` | ~, nothing else. The runtime rejects any other name and the generator skips the registration.",
        helpLinkUri: HelpLink("UPG001"));

    public static readonly DiagnosticDescriptor InvalidVersion = new(
        id: "UPG002",
        title: "Invalid protocol version",
        messageFormat: "Versions \"{0}\" is not valid: {1}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Each comma-separated element of Versions must be an RFC 9110 token (RFC 9110 §7.8: protocol-version = token), listed once. The runtime rejects any other version and the generator skips the registration.",
        helpLinkUri: HelpLink("UPG002"));

    public static readonly DiagnosticDescriptor DuplicateRegistration = new(
        id: "UPG003",
        title: "Duplicate upgrade registration",
        messageFormat: "'{0}' is registered twice on '{1}': remove the later [UpgradeProtocol] or give it other versions or subprotocols",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Two [UpgradeProtocol] attributes of one class claim the same protocol name, version and subprotocol (compared case-insensitively, RFC 9110 §7.8). The generator keeps the first in source order and skips the later one.",
        helpLinkUri: HelpLink("UPG003"));

    public static readonly DiagnosticDescriptor MissingHandlerInterface = new(
        id: "UPG004",
        title: "Upgrade handler interface missing",
        messageFormat: "'{0}' {1}: implement {2}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A class marked [UpgradeProtocol] must implement IUpgradeHandler (it owns the raw stream after 101 Switching Protocols) or IWebSocketHandler (it receives a WebSocket, so it serves only websocket). The generator skips a class that implements neither, and a registration of another protocol on a class that implements only IWebSocketHandler.",
        helpLinkUri: HelpLink("UPG004"));

    public static readonly DiagnosticDescriptor HandlerNotConstructible = new(
        id: "UPG005",
        title: "Upgrade handler cannot be constructed",
        messageFormat: "'{0}' cannot be constructed by generated code: {1}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The generated registry calls the handler's one public or internal constructor directly, without reflection. Abstract, static, generic, file-local and inaccessible classes, and classes with no such constructor or more than one, cannot be constructed that way; the generator skips them.",
        helpLinkUri: HelpLink("UPG005"));

    public static readonly DiagnosticDescriptor Http2ProtocolName = new(
        id: "UPG006",
        title: "HTTP/2 or HTTP/3 registered as an Upgrade protocol",
        messageFormat: "'{0}' names HTTP/{1}, which is never negotiated through Upgrade: remove the registration; HTTP/2 and HTTP/3 are chosen by ALPN or prior knowledge",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "HTTP/2 is selected by TLS ALPN ('h2') or by prior knowledge, never by the Upgrade header (RFC 9113 §3, RFC 7540 §3.3); HTTP/3 runs over QUIC and is found through Alt-Svc (RFC 9114 §3.1). A client never offers these names in Upgrade, so the registration could never match.",
        helpLinkUri: HelpLink("UPG006"));

    public static readonly DiagnosticDescriptor H2cRegistered = new(
        id: "UPG007",
        title: "Deprecated h2c upgrade registered",
        messageFormat: "'{0}' registers the h2c upgrade, deprecated by RFC 9113 §3.1 and a request-smuggling risk behind proxies: serve HTTP/2 over TLS with ALPN or with prior knowledge instead",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "RFC 9113 §3.1 deprecates the 'h2c' upgrade token of RFC 7540 §3.2. A proxy that forwards an h2c upgrade lets a client speak HTTP/2 directly to the backend, past the proxy's own request rules (request smuggling).",
        helpLinkUri: HelpLink("UPG007"));

    public static readonly DiagnosticDescriptor ConnectionHeaderOverHttp2 = new(
        id: "UPG008",
        title: "Connection-specific header on an HTTP/2 or HTTP/3 message",
        messageFormat: "{0} is used with HTTP/{1}, which has no Upgrade mechanism: {2}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "HTTP/2 and HTTP/3 forbid the connection-specific header fields Connection, Upgrade, Keep-Alive, Proxy-Connection and Transfer-Encoding (RFC 9113 §8.2.2, RFC 9114 §4.2); a message carrying them is malformed. Send an Upgrade request over HTTP/1.1; WebSockets over HTTP/2 use extended CONNECT (RFC 8441) instead.",
        helpLinkUri: HelpLink("UPG008"));

    public static readonly DiagnosticDescriptor WebSocketVersion = new(
        id: "UPG009",
        title: "WebSocket version other than 13",
        messageFormat: "'{0}' is not a final WebSocket version: 13 is the only one (RFC 6455 §4.1); remove it from Versions",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "RFC 6455 fixes Sec-WebSocket-Version at 13; the other values in the IANA registry belong to drafts that no current client sends.",
        helpLinkUri: HelpLink("UPG009"));

    public static readonly DiagnosticDescriptor InvalidSubProtocol = new(
        id: "UPG010",
        title: "Invalid WebSocket subprotocol",
        messageFormat: "SubProtocols \"{0}\" is not valid: {1}",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Each comma-separated element of SubProtocols must be an RFC 9110 token (RFC 6455 §4.1 and §11.3.4), listed once. The runtime rejects any other subprotocol and the generator skips the registration.",
        helpLinkUri: HelpLink("UPG010"));

    public static readonly DiagnosticDescriptor EndpointCollision = new(
        id: "UPG011",
        title: "Upgrade handlers collide on one endpoint",
        messageFormat: "'{0}' is claimed by both '{1}' and '{2}' on {3}: serve them on different endpoints with MapUpgrade<THandler>, or give them different versions or subprotocols",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Two handlers that one endpoint serves claim the same protocol name, version and subprotocol (compared case-insensitively, RFC 9110 §7.8), so which one answers an offer would be arbitrary; MapUpgrade throws at startup. MapUpgrade<THandler1, ...> serves the handlers it names; MapUpgrade without type arguments serves every registered handler, this assembly's included.",
        helpLinkUri: HelpLink("UPG011"),
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    public static readonly DiagnosticDescriptor NotAHandler = new(
        id: "UPG012",
        title: "Type argument is not an upgrade handler",
        messageFormat: "'{0}' is not a class marked [UpgradeProtocol]: name an upgrade handler in {1}, or mark '{0}' with [UpgradeProtocol]",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "MapUpgrade<THandler> serves, and ForHandler<THandler> configures, the [UpgradeProtocol] registrations (RFC 9110 §7.8 protocols) of a handler class. A class without the attribute has none, so the endpoint would throw at startup.",
        helpLinkUri: HelpLink("UPG012"));

    public static readonly DiagnosticDescriptor UpgradeEndpointWithoutHttp1 = new(
        id: "UPG013",
        title: "Upgrade endpoint served only over HTTP/2 or HTTP/3",
        messageFormat: "MapUpgrade is served only over HTTP/{0}, which has no Upgrade mechanism: let the endpoints serve HTTP/1.1 too (HttpProtocols.Http1AndHttp2); over HTTP/2 only WebSockets reach it, through extended CONNECT (RFC 8441)",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "An HTTP/1.1 Upgrade request never arrives on an endpoint configured without HttpProtocols.Http1: HTTP/2 and HTTP/3 have no Upgrade (RFC 9113 §8.2.2, RFC 9114 §4.2). Only WebSockets reach MapUpgrade there, through extended CONNECT (RFC 8441); every other protocol is unreachable.",
        helpLinkUri: HelpLink("UPG013"));

    public static readonly DiagnosticDescriptor ConnectionUpgradeOnTlsListener = new(
        id: "UPG014",
        title: "Connection upgrade on a TLS listener",
        messageFormat: "{0} on a listener that also calls UseHttps does nothing: {1}; remove {0}, or serve it on a cleartext listener",
        category: Category,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "UseTlsUpgrade and UseH2cUpgrade switch a cleartext HTTP/1.1 connection. On a listener that already speaks TLS, a request never offers them: TLS is already there (RFC 2817), and HTTP/2 over TLS is chosen with ALPN, never with Upgrade (RFC 7540 §3.3).",
        helpLinkUri: HelpLink("UPG014"));

    private static string HelpLink(string id) => HelpLinkBase + id + ".md";
}
