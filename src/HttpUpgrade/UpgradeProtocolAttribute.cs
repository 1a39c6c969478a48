using System;

namespace HttpUpgrade;

/// <summary>
/// Registers the marked class as the handler for an HTTP/1.1 <c>Upgrade</c> protocol. The HttpUpgrade source generator
/// turns every marked class of an assembly into that assembly's dispatch table and its <c>AddUpgradeHandlers()</c> method.
/// </summary>
/// <remarks>
/// <para>The class must implement <see cref="IUpgradeHandler"/> (it owns the raw duplex stream after the
/// <c>101 Switching Protocols</c>) or <see cref="IWebSocketHandler"/> (it receives a framed <see cref="System.Net.WebSockets.WebSocket"/>).</para>
/// <para>For <c>websocket</c>, <see cref="Versions"/> lists the accepted <c>Sec-WebSocket-Version</c> values (RFC 6455 §4.2.1).
/// For every other protocol it lists the accepted <c>protocol-version</c>s of the <c>Upgrade</c> offer (RFC 9110 §7.8).</para>
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class UpgradeProtocolAttribute : Attribute
{
    /// <summary>Registers the class for the protocol <paramref name="name"/>, an RFC 9110 token compared case-insensitively.</summary>
    /// <param name="name">The protocol name as it appears in the <c>Upgrade</c> header, for example <c>websocket</c>.</param>
    public UpgradeProtocolAttribute(string name) => Name = name;

    /// <summary>The protocol name, an RFC 9110 token.</summary>
    public string Name { get; }

    /// <summary>
    /// Comma-separated versions this handler accepts, in the server's order of preference. Empty or unset means the
    /// registration accepts an offer with any version or none; where several registrations share the name, one that
    /// lists the offered version is chosen over it. For <c>websocket</c>, unset means version 13.
    /// </summary>
    public string? Versions { get; set; }

    /// <summary>Comma-separated WebSocket subprotocols (<c>Sec-WebSocket-Protocol</c>) this handler speaks.</summary>
    public string? SubProtocols { get; set; }
}
