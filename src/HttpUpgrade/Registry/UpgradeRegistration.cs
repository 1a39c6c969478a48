using System;
using System.Collections.Generic;

namespace HttpUpgrade;

/// <summary>
/// One <c>[UpgradeProtocol]</c> registration: the protocol name, versions and subprotocols, and what serves them. It is
/// one of three kinds, fixed by who serves the connection: <see cref="WebSocketHandlerRegistration"/> (a handler that
/// receives a <see cref="System.Net.WebSockets.WebSocket"/>), <see cref="UpgradeHandlerRegistration"/> (a handler that
/// owns the raw stream), or <see cref="ConnectionUpgradeRegistration"/> (the host's own HTTP engine, after TLS or as
/// h2c). Generated registries create the first two; hand-written ones may too.
/// </summary>
public abstract class UpgradeRegistration
{
    private readonly string[] _versions;
    private readonly string[] _subProtocols;
    private readonly string[] _upgradeValues;

    // Three kinds only, all in this assembly: a host tells them apart with type tests and never meets a fourth.
    private protected UpgradeRegistration(string name, string[] versions, string[] subProtocols, Type handlerType, Type contract)
        : this(name, versions, subProtocols, handlerType, contract, KindOf(name))
    {
    }

    private protected UpgradeRegistration(string name, string[] versions, string[] subProtocols, Type handlerType, Type contract, UpgradeProtocolKind kind)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(versions);
        ArgumentNullException.ThrowIfNull(subProtocols);
        ArgumentNullException.ThrowIfNull(handlerType);

        ThrowIfNotToken(name, "protocol name", nameof(name));
        foreach (string version in versions)
        {
            ThrowIfNotToken(version, "version", nameof(versions));
        }

        foreach (string subProtocol in subProtocols)
        {
            ThrowIfNotToken(subProtocol, "subprotocol", nameof(subProtocols));
        }

        ThrowIfRepeated(versions, "version", nameof(versions));
        ThrowIfRepeated(subProtocols, "subprotocol", nameof(subProtocols));
        if (!contract.IsAssignableFrom(handlerType) || handlerType.IsAbstract)
        {
            throw new ArgumentException($"'{handlerType}' is not a class that implements {contract.Name}.", nameof(handlerType));
        }

        Name = name;
        Kind = kind;
        _versions = (string[])versions.Clone();
        _subProtocols = (string[])subProtocols.Clone();
        HandlerType = handlerType;

        // Nested classes read as written in C# ('Outer.Inner'), as logs and messages name them.
        HandlerName = (handlerType.FullName ?? handlerType.Name).Replace('+', '.');

        // The 101 names exactly one offer of the client (RFC 9110 §7.8). These are built once so that accepting allocates nothing.
        _upgradeValues = new string[_versions.Length];
        for (int i = 0; i < _versions.Length; i++)
        {
            _upgradeValues[i] = name + "/" + _versions[i];
        }

        // RFC 6455 §4.2.2: the 101 for a WebSocket says "Upgrade: websocket"; the version travels in Sec-WebSocket-Version.
        Advertised = Kind == UpgradeProtocolKind.WebSocket || _versions.Length == 0
            ? name
            : string.Join(", ", _upgradeValues);
    }

    /// <summary>The protocol name as registered.</summary>
    public string Name { get; }

    /// <summary>Which handshake rule applies: the RFC 6455 handshake for <c>websocket</c>, the plain 101 otherwise.</summary>
    public UpgradeProtocolKind Kind { get; }

    /// <summary>Accepted versions in preference order; empty accepts any.</summary>
    public IReadOnlyList<string> Versions => _versions;

    /// <summary>WebSocket subprotocols the handler speaks.</summary>
    public IReadOnlyList<string> SubProtocols => _subProtocols;

    /// <summary>The handler class this registration constructs.</summary>
    public Type HandlerType { get; }

    /// <summary>The handler's full type name as C# writes it (<c>Contoso.Outer.Inner</c>), for logs and messages.</summary>
    public string HandlerName { get; }

    /// <summary>How this registration is listed in the <c>Upgrade</c> header of a 426 response.</summary>
    public string Advertised { get; }

    internal ReadOnlySpan<string> VersionSpan => _versions;

    internal ReadOnlySpan<string> SubProtocolSpan => _subProtocols;

    /// <summary>The <c>name/version</c> string for the version at <paramref name="versionIndex"/>.</summary>
    internal string GetUpgradeValue(int versionIndex) => _upgradeValues[versionIndex];

    /// <inheritdoc />
    public override string ToString() => _versions.Length == 0 ? $"{Name} -> {HandlerName}" : $"{Name}/{string.Join(",", _versions)} -> {HandlerName}";

    private static UpgradeProtocolKind KindOf(string? name)
        => string.Equals(name, "websocket", StringComparison.OrdinalIgnoreCase) ? UpgradeProtocolKind.WebSocket : UpgradeProtocolKind.Raw;

    private static void ThrowIfNotToken(string value, string what, string parameter)
    {
        string? problem = HttpTokenGrammar.DescribeInvalidToken(value);
        if (problem is not null)
        {
            throw new ArgumentException($"'{value}' is not a valid {what}: {problem}.", parameter);
        }
    }

    private static void ThrowIfRepeated(string[] values, string what, string parameter)
    {
        for (int i = 1; i < values.Length; i++)
        {
            for (int j = 0; j < i; j++)
            {
                if (values[i].Equals(values[j], StringComparison.OrdinalIgnoreCase))
                {
                    throw new ArgumentException($"The {what} '{values[i]}' is listed twice.", parameter);
                }
            }
        }
    }
}

/// <summary>A <c>websocket</c> registration whose handler receives a <see cref="System.Net.WebSockets.WebSocket"/>.</summary>
public sealed class WebSocketHandlerRegistration : UpgradeRegistration
{
    /// <summary>Creates a registration and validates every token it names.</summary>
    /// <param name="name">The protocol name: <c>websocket</c>, in any letter case.</param>
    /// <param name="versions">Accepted <c>Sec-WebSocket-Version</c>s in preference order; empty accepts 13.</param>
    /// <param name="subProtocols">Subprotocols the handler speaks; empty for none.</param>
    /// <param name="handlerType">The handler class, which implements <see cref="IWebSocketHandler"/>.</param>
    /// <param name="factory">Constructs the handler from the request's services.</param>
    /// <exception cref="ArgumentException">
    /// The name is not <c>websocket</c>, a version or subprotocol is not an RFC 9110 token or repeats, or
    /// <paramref name="handlerType"/> does not implement <see cref="IWebSocketHandler"/>.
    /// </exception>
    public WebSocketHandlerRegistration(
        string name,
        string[] versions,
        string[] subProtocols,
        Type handlerType,
        Func<IServiceProvider, IWebSocketHandler> factory)
        : base(name, versions, subProtocols, handlerType, typeof(IWebSocketHandler))
    {
        ArgumentNullException.ThrowIfNull(factory);
        if (Kind != UpgradeProtocolKind.WebSocket)
        {
            throw new ArgumentException(
                $"An IWebSocketHandler serves only the 'websocket' protocol, not '{name}'; register '{name}' with an IUpgradeHandler.",
                nameof(name));
        }

        Factory = factory;
    }

    /// <summary>Constructs the handler from the request's services.</summary>
    public Func<IServiceProvider, IWebSocketHandler> Factory { get; }
}

/// <summary>
/// A registration whose handler owns the raw duplex stream after the 101: any protocol, <c>websocket</c> included (the
/// handshake is still RFC 6455's, and the handler frames the messages itself).
/// </summary>
public sealed class UpgradeHandlerRegistration : UpgradeRegistration
{
    /// <summary>Creates a registration and validates every token it names.</summary>
    /// <param name="name">The protocol name, an RFC 9110 token.</param>
    /// <param name="versions">Accepted versions in preference order; empty accepts any version or none.</param>
    /// <param name="subProtocols">WebSocket subprotocols the handler speaks, for a <c>websocket</c> registration; empty for none.</param>
    /// <param name="handlerType">The handler class, which implements <see cref="IUpgradeHandler"/>.</param>
    /// <param name="factory">Constructs the handler from the request's services.</param>
    /// <exception cref="ArgumentException">
    /// A name, version or subprotocol is not an RFC 9110 token or repeats, or <paramref name="handlerType"/> does not
    /// implement <see cref="IUpgradeHandler"/>.
    /// </exception>
    public UpgradeHandlerRegistration(
        string name,
        string[] versions,
        string[] subProtocols,
        Type handlerType,
        Func<IServiceProvider, IUpgradeHandler> factory)
        : base(name, versions, subProtocols, handlerType, typeof(IUpgradeHandler))
    {
        ArgumentNullException.ThrowIfNull(factory);
        Factory = factory;
    }

    /// <summary>Constructs the handler from the request's services.</summary>
    public Func<IServiceProvider, IUpgradeHandler> Factory { get; }
}

/// <summary>
/// A protocol the host serves with its own HTTP engine on the same connection: <see cref="Tls"/> (RFC 2817) and
/// <see cref="H2c"/> (RFC 7540 §3.2). No generated handler is involved; a host that supports connection re-entry (the
/// ASP.NET Core adapter's <c>UseTlsUpgrade</c> and <c>UseH2cUpgrade</c>) negotiates with these.
/// </summary>
public sealed class ConnectionUpgradeRegistration : UpgradeRegistration
{
    private readonly string[] _layeredUpgradeValues;

    private ConnectionUpgradeRegistration(string name, string[] versions, UpgradeProtocolKind kind)
        : base(name, versions, [], typeof(ConnectionUpgradeRegistration), typeof(ConnectionUpgradeRegistration), kind)
    {
        // RFC 2817 §3.3: the 101 lists the protocol stack, TLS and then HTTP/1.1 over it ("Upgrade: TLS/1.0, HTTP/1.1").
        _layeredUpgradeValues = new string[versions.Length + 1];
        for (int i = 0; i < versions.Length; i++)
        {
            _layeredUpgradeValues[i] = GetUpgradeValue(i) + ", HTTP/1.1";
        }

        _layeredUpgradeValues[versions.Length] = name + ", HTTP/1.1";
    }

    /// <summary>The 101's <c>Upgrade</c> for a TLS upgrade: the version at <paramref name="versionIndex"/>, or -1 for none, then HTTP/1.1.</summary>
    internal string GetLayeredUpgradeValue(int versionIndex) => _layeredUpgradeValues[versionIndex < 0 ? ^1 : versionIndex];

    /// <summary>
    /// <c>TLS/1.0</c> to <c>TLS/1.3</c> (RFC 2817 §3.2): after the 101 the client starts a TLS handshake, and the request is
    /// answered over TLS. The version names the client's wish; the handshake settles the version actually used.
    /// </summary>
    public static ConnectionUpgradeRegistration Tls { get; } = new("TLS", ["1.2", "1.3", "1.1", "1.0"], UpgradeProtocolKind.Tls);

    /// <summary><c>h2c</c> (RFC 7540 §3.2): HTTP/2 over cleartext TCP, the request becoming stream 1.</summary>
    public static ConnectionUpgradeRegistration H2c { get; } = new("h2c", [], UpgradeProtocolKind.H2c);
}
