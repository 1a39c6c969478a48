namespace HttpUpgrade;

/// <summary>The one-line text a host sends in a rejection's body.</summary>
internal static class UpgradeMessages
{
    public static string For(UpgradeReason reason) => reason switch
    {
        UpgradeReason.None => "Switching protocols.",
        UpgradeReason.NotHttp11 => "Protocol upgrade requires HTTP/1.1; this request used another HTTP version.",
        UpgradeReason.NotAnUpgrade => "This resource requires a protocol upgrade: send 'Connection: upgrade' and an 'Upgrade' header naming one of the protocols listed in the Upgrade response header.",
        UpgradeReason.MalformedUpgrade => "The Upgrade header is malformed: each element must be protocol-name[/protocol-version], both RFC 9110 tokens.",
        UpgradeReason.TooManyOffers => "The Upgrade header offers more protocols than this server reads.",
        UpgradeReason.NoRegisteredProtocol => "None of the offered protocols is supported here; the Upgrade response header lists those that are.",
        UpgradeReason.UnsupportedProtocolVersion => "The offered protocol version is not supported here; the Upgrade response header lists those that are.",
        UpgradeReason.RequestHasContent => "An upgrade request must not carry content.",
        UpgradeReason.MethodNotAllowed => "A WebSocket handshake must use the GET method.",
        UpgradeReason.UnsupportedWebSocketVersion => "Sec-WebSocket-Version must be sent once with a supported version; the Sec-WebSocket-Version response header lists them.",
        UpgradeReason.MissingWebSocketKey => "The Sec-WebSocket-Key header is missing.",
        UpgradeReason.DuplicateWebSocketKey => "The Sec-WebSocket-Key header must appear only once.",
        UpgradeReason.InvalidWebSocketKey => "Sec-WebSocket-Key must be 16 bytes encoded as base64 (24 characters).",
        UpgradeReason.MalformedSubProtocol => "Sec-WebSocket-Protocol must be a comma-separated list of tokens.",
        UpgradeReason.InvalidHost => "An upgrade request must carry exactly one non-empty Host header.",
        UpgradeReason.ExpectationFailed => "An upgrade request has no content to continue with; send it without an Expect header.",
        UpgradeReason.OriginNotAllowed => "The Origin of this WebSocket handshake is not allowed here.",
        UpgradeReason.NoAcceptableSubProtocol => "None of the offered WebSocket subprotocols is spoken here; offer one with Sec-WebSocket-Protocol.",
        _ => "The upgrade request was rejected.",
    };
}
