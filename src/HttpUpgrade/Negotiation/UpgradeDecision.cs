using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace HttpUpgrade;

/// <summary>
/// The negotiator's answer for one request: accept (with the 101's headers and the handler's registration),
/// reject (status and headers) or ignore. Producing it allocates nothing.
/// </summary>
public readonly struct UpgradeDecision
{
    /// <summary>The length of a <c>Sec-WebSocket-Accept</c> value: base64 of a 20-byte SHA-1 digest.</summary>
    public const int WebSocketAcceptLength = 28;

    private readonly AcceptChars _accept;
    private readonly bool _hasAccept;

    private UpgradeDecision(
        UpgradeOutcome outcome,
        int statusCode,
        UpgradeReason reason,
        UpgradeRegistration? registration,
        string? upgrade,
        string? version,
        string? subProtocol,
        string? secWebSocketVersion,
        string? allow)
    {
        Outcome = outcome;
        StatusCode = statusCode;
        Reason = reason;
        Registration = registration;
        Upgrade = upgrade;
        Version = version;
        SubProtocol = subProtocol;
        SecWebSocketVersion = secWebSocketVersion;
        Allow = allow;
        _accept = default;
        _hasAccept = false;
        Deflate = default;
        IsExtendedConnect = false;
    }

    private UpgradeDecision(UpgradeRegistration registration, string upgrade, string? version, string? subProtocol, WebSocketDeflateParameters deflate, ReadOnlySpan<char> accept)
        : this(UpgradeOutcome.Accept, 101, UpgradeReason.None, registration, upgrade, version, subProtocol, null, null)
    {
        accept.CopyTo(_accept);
        _hasAccept = true;
        Deflate = deflate;
    }

    private UpgradeDecision(UpgradeRegistration registration, string? version, string? subProtocol, WebSocketDeflateParameters deflate)
        : this(UpgradeOutcome.Accept, 200, UpgradeReason.None, registration, null, version, subProtocol, null, null)
    {
        IsExtendedConnect = true;
        Deflate = deflate;
    }

    /// <summary>What the host should do.</summary>
    public UpgradeOutcome Outcome { get; }

    /// <summary>
    /// 101 when accepted over HTTP/1.1; 200 when an HTTP/2 or HTTP/3 extended CONNECT is accepted (RFC 8441 §5);
    /// 400, 403, 405, 417 or 426 when rejected; 0 when ignored.
    /// </summary>
    public int StatusCode { get; }

    /// <summary>Why the request was rejected or ignored; <see cref="UpgradeReason.None"/> when accepted.</summary>
    public UpgradeReason Reason { get; }

    /// <summary>A one-line explanation for the response body and logs.</summary>
    public string Message => UpgradeMessages.For(Reason);

    /// <summary>
    /// Whether the accepted request is an HTTP/2 or HTTP/3 extended CONNECT (RFC 8441, RFC 9220): the host answers 200
    /// on the stream, with no <c>Connection</c>, <c>Upgrade</c> or <c>Sec-WebSocket-Accept</c>.
    /// </summary>
    public bool IsExtendedConnect { get; }

    /// <summary>The permessage-deflate agreement for an accepted WebSocket; not negotiated otherwise.</summary>
    public WebSocketDeflateParameters Deflate { get; }

    /// <summary>The matched registration when accepted.</summary>
    public UpgradeRegistration? Registration { get; }

    /// <summary>
    /// The response's <c>Upgrade</c> field: on a 101, the one protocol switched to (always one the client offered);
    /// on a 426, the protocols the server supports.
    /// </summary>
    public string? Upgrade { get; }

    /// <summary>Whether the response carries <c>Connection: Upgrade</c> (every 101 and 426, RFC 9110 §7.8 and §15.5.22).</summary>
    public bool ConnectionUpgrade => Upgrade is not null;

    /// <summary>The negotiated version: <c>Sec-WebSocket-Version</c> for WebSocket, the offer's version otherwise.</summary>
    public string? Version { get; }

    /// <summary>The <c>Sec-WebSocket-Protocol</c> to answer with, or null.</summary>
    public string? SubProtocol { get; }

    /// <summary>On a WebSocket 426, the <c>Sec-WebSocket-Version</c> field listing every supported version (RFC 6455 §4.4).</summary>
    public string? SecWebSocketVersion { get; }

    /// <summary>On a 405, the <c>Allow</c> field.</summary>
    public string? Allow { get; }

    /// <summary>Whether the 101 carries <c>Sec-WebSocket-Accept</c>.</summary>
    public bool HasWebSocketAccept => _hasAccept;

    /// <summary>Copies the <c>Sec-WebSocket-Accept</c> value into <paramref name="destination"/>.</summary>
    /// <returns>False when there is none or <paramref name="destination"/> is shorter than <see cref="WebSocketAcceptLength"/>.</returns>
    public bool TryCopyWebSocketAccept(Span<char> destination)
    {
        if (!_hasAccept || destination.Length < WebSocketAcceptLength)
        {
            return false;
        }

        ((ReadOnlySpan<char>)_accept).CopyTo(destination);
        return true;
    }

    /// <summary>The <c>Sec-WebSocket-Accept</c> value as a string (allocates), or null.</summary>
    public string? GetWebSocketAccept() => _hasAccept ? new string(_accept) : null;

    /// <summary>
    /// Every response header field this decision calls for, in the order a host should write them. Allocates; hosts on a
    /// hot path read the properties instead.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> GetResponseHeaders()
    {
        var headers = new List<KeyValuePair<string, string>>(5);
        if (ConnectionUpgrade)
        {
            headers.Add(new("Connection", "Upgrade"));
            headers.Add(new("Upgrade", Upgrade!));
        }

        if (_hasAccept)
        {
            headers.Add(new("Sec-WebSocket-Accept", new string(_accept)));
        }

        if (SubProtocol is not null)
        {
            headers.Add(new("Sec-WebSocket-Protocol", SubProtocol));
        }

        if (Deflate.IsNegotiated)
        {
            headers.Add(new("Sec-WebSocket-Extensions", Deflate.ToHeaderValue()!));
        }

        if (SecWebSocketVersion is not null)
        {
            headers.Add(new("Sec-WebSocket-Version", SecWebSocketVersion));
        }

        if (Allow is not null)
        {
            headers.Add(new("Allow", Allow));
        }

        return headers;
    }

    /// <inheritdoc />
    public override string ToString() => Outcome switch
    {
        UpgradeOutcome.Accept => IsExtendedConnect ? $"200 CONNECT {Registration?.Name}" : $"101 {Upgrade}",
        UpgradeOutcome.Reject => $"{StatusCode} {Reason}",
        _ => $"Ignore ({Reason})",
    };

    internal static UpgradeDecision Ignore(UpgradeReason reason)
        => new(UpgradeOutcome.Ignore, 0, reason, null, null, null, null, null, null);

    internal static UpgradeDecision Reject(int statusCode, UpgradeReason reason, string? upgrade = null, string? secWebSocketVersion = null, string? allow = null)
        => new(UpgradeOutcome.Reject, statusCode, reason, null, upgrade, null, null, secWebSocketVersion, allow);

    internal static UpgradeDecision AcceptRaw(UpgradeRegistration registration, string upgrade, string? version)
        => new(UpgradeOutcome.Accept, 101, UpgradeReason.None, registration, upgrade, version, null, null, null);

    internal static UpgradeDecision AcceptWebSocket(UpgradeRegistration registration, string version, string? subProtocol, WebSocketDeflateParameters deflate, ReadOnlySpan<char> accept)
        => new(registration, registration.Name, version, subProtocol, deflate, accept);

    internal static UpgradeDecision AcceptExtendedConnect(UpgradeRegistration registration, string? version, string? subProtocol, WebSocketDeflateParameters deflate)
        => new(registration, version, subProtocol, deflate);

    [InlineArray(WebSocketAcceptLength)]
    private struct AcceptChars
    {
        private char _first;
    }
}
