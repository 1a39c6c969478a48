namespace HttpUpgrade;

/// <summary>Which handshake rule a registration follows.</summary>
public enum UpgradeProtocolKind
{
    /// <summary>Any registered token: the 101 names the offer, then the handler owns the stream (RFC 9110 §7.8).</summary>
    Raw = 0,

    /// <summary>The <c>websocket</c> token: the RFC 6455 §4.2 opening handshake.</summary>
    WebSocket = 1,
}
