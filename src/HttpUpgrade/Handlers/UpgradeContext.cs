using System;
using System.IO;

namespace HttpUpgrade;

/// <summary>What was negotiated for one upgraded connection, and the connection itself.</summary>
public sealed class UpgradeContext
{
    /// <summary>Creates the context a host hands to a handler after it switched protocols.</summary>
    /// <param name="registration">The registration that matched.</param>
    /// <param name="version">The negotiated version, or null when none was offered.</param>
    /// <param name="subProtocol">The negotiated WebSocket subprotocol, or null.</param>
    /// <param name="transport">The raw duplex stream after the 101 response.</param>
    /// <param name="services">The request's service provider.</param>
    /// <param name="hostContext">The host's own request object (for ASP.NET Core, the <c>HttpContext</c>).</param>
    public UpgradeContext(
        UpgradeRegistration registration,
        string? version,
        string? subProtocol,
        Stream transport,
        IServiceProvider services,
        object? hostContext)
    {
        Registration = registration ?? throw new ArgumentNullException(nameof(registration));
        Version = version;
        SubProtocol = subProtocol;
        Transport = transport ?? throw new ArgumentNullException(nameof(transport));
        Services = services ?? throw new ArgumentNullException(nameof(services));
        HostContext = hostContext;
    }

    /// <summary>The registration that matched the client's offer.</summary>
    public UpgradeRegistration Registration { get; }

    /// <summary>The protocol name as registered, for example <c>websocket</c>.</summary>
    public string Protocol => Registration.Name;

    /// <summary>
    /// The negotiated version: the <c>Sec-WebSocket-Version</c> for WebSocket, the offer's <c>protocol-version</c>
    /// otherwise; null when the client offered the protocol without one.
    /// </summary>
    public string? Version { get; }

    /// <summary>The WebSocket subprotocol echoed in <c>Sec-WebSocket-Protocol</c>, or null when none was selected.</summary>
    public string? SubProtocol { get; }

    /// <summary>
    /// The connection after the 101 response: bytes the client sent after the request head are the first bytes read.
    /// A WebSocket handler should use the <see cref="System.Net.WebSockets.WebSocket"/> it was given instead.
    /// </summary>
    public Stream Transport { get; }

    /// <summary>The request's services.</summary>
    public IServiceProvider Services { get; }

    /// <summary>The host's request object; for ASP.NET Core this is the <c>HttpContext</c>.</summary>
    public object? HostContext { get; }
}
