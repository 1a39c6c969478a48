using System.Net;

namespace HttpUpgrade.AspNetCore.Connections;

/// <summary>Which of Kestrel's engines serves a connection handed back after a connection-level upgrade.</summary>
internal enum ReentryKind
{
    /// <summary>TLS (Kestrel's own <c>UseHttps</c>), then HTTP/1.1: after <c>Upgrade: TLS/1.x</c>.</summary>
    Tls,

    /// <summary>HTTP/2 in clear: after <c>Upgrade: h2c</c>, or a client that opened with the HTTP/2 preface.</summary>
    Http2,
}

/// <summary>
/// The address of an internal Kestrel endpoint that never listens on the network: upgraded connections are pushed to it
/// (<see cref="ReentryListenerFactory"/>), and Kestrel serves them as it serves any accepted connection.
/// </summary>
internal sealed class ReentryEndPoint(ReentryKind kind) : EndPoint
{
    public ReentryKind Kind { get; } = kind;

    // Kestrel lists every endpoint it binds ("Now listening on: http://..."): the name says what this one is.
    public override string ToString() => Kind == ReentryKind.Tls ? "httpupgrade-reentry-tls" : "httpupgrade-reentry-h2c";
}
