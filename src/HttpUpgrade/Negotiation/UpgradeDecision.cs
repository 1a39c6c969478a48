using System;
using System.Collections;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace HttpUpgrade;

/// <summary>
/// The negotiator's answer for one request, complete: what to do (<see cref="Outcome"/>), the status code, every
/// response field (<see cref="ResponseFields"/>) and the body, so a host writes any decision with one loop and decides
/// nothing. An accepted decision also names the handler's registration. Producing it allocates nothing.
/// </summary>
public readonly partial struct UpgradeDecision
{
    /// <summary>The length of a <c>Sec-WebSocket-Accept</c> value: base64 of a 20-byte SHA-1 digest.</summary>
    public const int WebSocketAcceptLength = 28;

    private readonly AcceptChars _accept;
    private readonly bool _hasAccept;

    // Whole seconds of the Retry-After field plus one, so that 0, a default decision's value, means none.
    private readonly int _retryAfterPlusOne;

    private UpgradeDecision(
        UpgradeOutcome outcome,
        UpgradeReason reason,
        UpgradeRegistration? registration,
        string? upgrade,
        string? version,
        string? subProtocol,
        string? secWebSocketVersion,
        bool isExtendedConnect,
        WebSocketDeflateParameters deflate,
        ReadOnlySpan<char> accept,
        bool closeConnection = false,
        int retryAfterPlusOne = 0)
    {
        CloseConnection = closeConnection;
        _retryAfterPlusOne = retryAfterPlusOne;
        Outcome = outcome;
        Reason = reason;
        Registration = registration;
        Upgrade = upgrade;
        Version = version;
        SubProtocol = subProtocol;
        SecWebSocketVersion = secWebSocketVersion;
        IsExtendedConnect = isExtendedConnect;
        Deflate = deflate;
        _accept = default;
        _hasAccept = !accept.IsEmpty;
        accept.CopyTo(_accept);
    }

    /// <summary>
    /// The answer to a plain request for a resource served only over TLS (RFC 2817 §4.2): <c>426</c> with
    /// <c>Upgrade: TLS/1.2, HTTP/1.1</c>, <c>Connection: Upgrade</c> and a one-line body. Over HTTP/2 or HTTP/3 (in clear)
    /// the 426 carries neither field, which those versions forbid (RFC 9113 §8.2.2): such a client uses https instead.
    /// </summary>
    /// <param name="version">The HTTP version of the request.</param>
    public static UpgradeDecision RequireTls(UpgradeHttpVersion version)
        => Reject(UpgradeReason.TlsRequired, version is UpgradeHttpVersion.Http2 or UpgradeHttpVersion.Http3 ? null : "TLS/1.2, HTTP/1.1");

    /// <summary>What the host should do.</summary>
    public UpgradeOutcome Outcome { get; }

    /// <summary>
    /// 101 when accepted over HTTP/1.1; 200 when an HTTP/2 or HTTP/3 extended CONNECT is accepted (RFC 8441 §5);
    /// the reason's status (400, 403, 405, 417, 426, 500, 503) when rejected; 0 when ignored.
    /// </summary>
    public int StatusCode => Outcome switch
    {
        UpgradeOutcome.Ignore => 0,
        UpgradeOutcome.Accept when IsExtendedConnect => 200,
        _ => UpgradeResponses.StatusCode(Reason),
    };

    /// <summary>Why the request was rejected or ignored; <see cref="UpgradeReason.None"/> when accepted.</summary>
    public UpgradeReason Reason { get; }

    /// <summary>A one-line explanation for the response body and logs.</summary>
    public string Message => UpgradeResponses.Message(Reason);

    /// <summary>
    /// The response body of a rejection: <see cref="Message"/> and a line feed in UTF-8, described by the
    /// <c>Content-Type</c> and <c>Content-Length</c> of <see cref="ResponseFields"/>. Empty when accepted or ignored.
    /// </summary>
    public ReadOnlyMemory<byte> Body => Outcome == UpgradeOutcome.Reject ? UpgradeResponses.Body(Reason) : default;

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

    /// <summary>
    /// Whether the response ends the connection (<c>Connection: close</c>, with <c>Upgrade</c> on a 426): every refusal of an
    /// HTTP/1.1 request that asked to upgrade. The client may already have sent bytes of the protocol it asked for right
    /// behind the head; after a refusal they must never be read as HTTP.
    /// </summary>
    public bool CloseConnection { get; }

    /// <summary>The negotiated version: <c>Sec-WebSocket-Version</c> for WebSocket, the offer's version otherwise.</summary>
    public string? Version { get; }

    /// <summary>The <c>Sec-WebSocket-Protocol</c> to answer with, or null.</summary>
    public string? SubProtocol { get; }

    /// <summary>On a WebSocket 426, the <c>Sec-WebSocket-Version</c> field listing every supported version (RFC 6455 §4.4).</summary>
    public string? SecWebSocketVersion { get; }

    /// <summary>On a 405, the <c>Allow</c> field.</summary>
    public string? Allow => Outcome == UpgradeOutcome.Reject ? UpgradeResponses.Allow(Reason) : null;

    /// <summary>
    /// On a 503, how long the client should wait before trying again: the response's <c>Retry-After</c> field, in whole
    /// seconds (RFC 9110 §10.2.3). Null when the response carries none.
    /// </summary>
    public TimeSpan? RetryAfter => _retryAfterPlusOne == 0 ? null : TimeSpan.FromSeconds(_retryAfterPlusOne - 1);

    /// <summary>Whether the 101 carries <c>Sec-WebSocket-Accept</c>.</summary>
    public bool HasWebSocketAccept => _hasAccept;

    /// <summary>
    /// Every response field this decision calls for, in the order a host writes them: <c>Connection</c>, <c>Upgrade</c>,
    /// the <c>Sec-WebSocket-*</c> fields, <c>Allow</c>, <c>Retry-After</c>, then <c>Content-Type</c> and <c>Content-Length</c> of
    /// <see cref="Body"/>. Enumerating allocates only the values that are not kept as strings (<c>Sec-WebSocket-Accept</c>
    /// and <c>Sec-WebSocket-Extensions</c>).
    /// </summary>
    public ResponseFieldCollection ResponseFields => new(this);

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

    /// <summary><see cref="ResponseFields"/> as a list (allocates).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> GetResponseHeaders() => [.. ResponseFields];

    /// <inheritdoc />
    public override string ToString() => Outcome switch
    {
        UpgradeOutcome.Accept => IsExtendedConnect ? $"200 CONNECT {Registration?.Name}" : $"101 {Upgrade}",
        UpgradeOutcome.Reject => $"{StatusCode} {Reason}",
        _ => $"Ignore ({Reason})",
    };

    /// <summary>This rejection, answered with <c>Connection: close</c>.</summary>
    internal UpgradeDecision WithConnectionClose()
    {
        System.Diagnostics.Debug.Assert(Outcome == UpgradeOutcome.Reject && !_hasAccept, "Only a rejection closes the connection.");
        return new(Outcome, Reason, Registration, Upgrade, Version, SubProtocol, SecWebSocketVersion, IsExtendedConnect, Deflate, default, closeConnection: true, _retryAfterPlusOne);
    }

    /// <summary>This rejection, with a <c>Retry-After</c> of <paramref name="seconds"/>.</summary>
    internal UpgradeDecision WithRetryAfter(int seconds)
    {
        System.Diagnostics.Debug.Assert(Outcome == UpgradeOutcome.Reject && seconds is >= 0 and < int.MaxValue, "Only a rejection says when to retry.");
        return new(Outcome, Reason, Registration, Upgrade, Version, SubProtocol, SecWebSocketVersion, IsExtendedConnect, Deflate, default, CloseConnection, seconds + 1);
    }

    /// <summary>The <c>Retry-After</c> value as written: delay-seconds, a non-negative decimal integer (RFC 9110 §10.2.3).</summary>
    internal string? RetryAfterValue => _retryAfterPlusOne switch
    {
        0 => null,
        <= 61 => s_smallSeconds[_retryAfterPlusOne - 1],
        _ => (_retryAfterPlusOne - 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    // The common delays are written without formatting, so a refusal under load allocates nothing for them.
    private static readonly string[] s_smallSeconds = CreateSmallSeconds();

    private static string[] CreateSmallSeconds()
    {
        string[] values = new string[61];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return values;
    }

    internal static UpgradeDecision Ignore(UpgradeReason reason)
        => new(UpgradeOutcome.Ignore, reason, null, null, null, null, null, false, default, default);

    internal static UpgradeDecision Reject(UpgradeReason reason, string? upgrade = null, string? secWebSocketVersion = null)
        => new(UpgradeOutcome.Reject, reason, null, upgrade, null, null, secWebSocketVersion, false, default, default);

    internal static UpgradeDecision AcceptRaw(UpgradeRegistration registration, string upgrade, string? version)
        => new(UpgradeOutcome.Accept, UpgradeReason.None, registration, upgrade, version, null, null, false, default, default);

    internal static UpgradeDecision AcceptWebSocket(UpgradeRegistration registration, string version, string? subProtocol, WebSocketDeflateParameters deflate, ReadOnlySpan<char> accept)
        => new(UpgradeOutcome.Accept, UpgradeReason.None, registration, registration.Name, version, subProtocol, null, false, deflate, accept);

    internal static UpgradeDecision AcceptExtendedConnect(UpgradeRegistration registration, string? version, string? subProtocol, WebSocketDeflateParameters deflate)
        => new(UpgradeOutcome.Accept, UpgradeReason.None, registration, null, version, subProtocol, null, true, deflate, default);

    [InlineArray(WebSocketAcceptLength)]
    private struct AcceptChars
    {
        private char _first;
    }
}
