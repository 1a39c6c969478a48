using System;
using System.Globalization;
using System.Text;

namespace HttpUpgrade;

/// <summary>
/// The one table from <see cref="UpgradeReason"/> to the response a host sends: its status code, its <c>Allow</c>
/// field if any, and the one-line text of its body. Bodies are encoded once, so writing a rejection allocates nothing.
/// </summary>
internal static class UpgradeResponses
{
    public const string PlainText = "text/plain; charset=utf-8";

    private static readonly Entry[] s_entries = CreateEntries();

    public static int StatusCode(UpgradeReason reason) => Get(reason).StatusCode;

    public static string Message(UpgradeReason reason) => Get(reason).Message;

    /// <summary>The body of the response: the message and a line feed, UTF-8.</summary>
    public static ReadOnlyMemory<byte> Body(UpgradeReason reason) => Get(reason).Body;

    /// <summary>The <c>Content-Length</c> of <see cref="Body"/>, as written in the field.</summary>
    public static string ContentLength(UpgradeReason reason) => Get(reason).ContentLength;

    /// <summary>The <c>Allow</c> field the response carries, or null.</summary>
    public static string? Allow(UpgradeReason reason) => reason == UpgradeReason.MethodNotAllowed ? "GET" : null;

    private static Entry Get(UpgradeReason reason)
        => (uint)reason < (uint)s_entries.Length ? s_entries[(int)reason] : throw new ArgumentOutOfRangeException(nameof(reason), reason, "Not an UpgradeReason.");

    private static (int StatusCode, string Message) Describe(UpgradeReason reason) => reason switch
    {
        UpgradeReason.None => (101, "Switching protocols."),

        // RFC 9110 §15.5.22: the server refuses the request as it is, and would serve it after an upgrade.
        UpgradeReason.NotHttp11 => (426, "Protocol upgrade requires HTTP/1.1; this request used another HTTP version."),
        UpgradeReason.NotAnUpgrade => (426, "This resource requires a protocol upgrade: send 'Connection: upgrade' and an 'Upgrade' header naming one of the protocols listed in the Upgrade response header."),
        UpgradeReason.NoRegisteredProtocol => (426, "None of the offered protocols is supported here; the Upgrade response header lists those that are."),
        UpgradeReason.UnsupportedProtocolVersion => (426, "The offered protocol version is not supported here; the Upgrade response header lists those that are."),

        // RFC 6455 §4.2.2 item 4: an unsupported version is answered 426 with the versions the server speaks.
        UpgradeReason.UnsupportedWebSocketVersion => (426, "Sec-WebSocket-Version must be sent once with a supported version; the Sec-WebSocket-Version response header lists them."),
        UpgradeReason.HostCannotUpgrade => (426, "This server cannot switch protocols for this request."),
        UpgradeReason.AlreadySecure => (426, "This connection already uses TLS; there is nothing to upgrade it to."),

        // RFC 2817 §4.2: a resource that must be reached over TLS answers 426 naming TLS.
        UpgradeReason.TlsRequired => (426, "This resource is served only over TLS: upgrade the connection (Upgrade: TLS/1.2, Connection: Upgrade) or use https."),

        UpgradeReason.MalformedUpgrade => (400, "The Upgrade header is malformed: each element must be protocol-name[/protocol-version], both RFC 9110 tokens."),
        UpgradeReason.TooManyOffers => (400, "The Upgrade header offers more protocols than this server reads."),
        UpgradeReason.RequestHasContent => (400, "An upgrade request must not carry content."),
        UpgradeReason.MissingWebSocketKey => (400, "The Sec-WebSocket-Key header is missing."),
        UpgradeReason.DuplicateWebSocketKey => (400, "The Sec-WebSocket-Key header must appear only once."),
        UpgradeReason.InvalidWebSocketKey => (400, "Sec-WebSocket-Key must be 16 bytes encoded as base64 (24 characters)."),
        UpgradeReason.MalformedSubProtocol => (400, "Sec-WebSocket-Protocol must be a comma-separated list of tokens."),
        UpgradeReason.InvalidHost => (400, "An upgrade request must carry exactly one non-empty Host header."),
        UpgradeReason.NoAcceptableSubProtocol => (400, "None of the offered WebSocket subprotocols is spoken here; offer one with Sec-WebSocket-Protocol."),
        UpgradeReason.ConnectionSpecificField => (400, "An HTTP/2 request must not carry Connection, Upgrade, Keep-Alive, Proxy-Connection, Transfer-Encoding, or TE other than trailers."),
        UpgradeReason.InvalidHttp2Settings => (400, "An h2c upgrade needs exactly one valid HTTP2-Settings header."),

        // RFC 6455 §4.2.2 item 4 (a refused origin), RFC 9110 §15.5.6 (405 lists the allowed methods), §10.1.1 (417).
        UpgradeReason.OriginNotAllowed => (403, "The Origin of this WebSocket handshake is not allowed here."),
        UpgradeReason.MethodNotAllowed => (405, "A WebSocket handshake must use the GET method."),
        UpgradeReason.ExpectationFailed => (417, "An upgrade request has no content to continue with; send it without an Expect header."),

        UpgradeReason.HandlerUnavailable => (500, "The upgrade handler could not be created."),
        UpgradeReason.ShuttingDown => (503, "The server is shutting down."),
        UpgradeReason.SwitchFailed => (503, "The server could not switch protocols; try again later."),

        // RFC 9110 §15.6.4: a temporary overload, which the server expects to clear; Retry-After says when to come back.
        UpgradeReason.ConnectionLimitReached => (503, "This endpoint has as many open connections as it allows; try again later."),
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "Every UpgradeReason needs a row in UpgradeResponses."),
    };

    private static Entry[] CreateEntries()
    {
        UpgradeReason[] reasons = Enum.GetValues<UpgradeReason>();
        var entries = new Entry[reasons.Length];
        foreach (UpgradeReason reason in reasons)
        {
            (int statusCode, string message) = Describe(reason);
            byte[] body = Encoding.UTF8.GetBytes(message + "\n");
            entries[(int)reason] = new Entry(statusCode, message, body, body.Length.ToString(CultureInfo.InvariantCulture));
        }

        return entries;
    }

    private sealed record Entry(int StatusCode, string Message, ReadOnlyMemory<byte> Body, string ContentLength);
}
