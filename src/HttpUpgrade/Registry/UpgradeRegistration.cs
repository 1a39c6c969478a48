using System;
using System.Collections.Generic;

namespace HttpUpgrade;

/// <summary>
/// One <c>[UpgradeProtocol]</c> registration: the protocol name, versions and subprotocols, and a factory that
/// constructs the handler. Generated registries create these; hand-written ones may too.
/// </summary>
public sealed class UpgradeRegistration
{
    private readonly string[] _versions;
    private readonly string[] _subProtocols;
    private readonly string[] _upgradeValues;

    /// <summary>Creates a registration and validates every token it names.</summary>
    /// <param name="name">The protocol name, an RFC 9110 token.</param>
    /// <param name="versions">Accepted versions in preference order; empty accepts any version or none.</param>
    /// <param name="subProtocols">WebSocket subprotocols the handler speaks; empty for none.</param>
    /// <param name="handlerName">The handler's type name, for logs and messages.</param>
    /// <param name="factory">Constructs the handler from the request's services.</param>
    /// <exception cref="ArgumentException">A name, version or subprotocol is not an RFC 9110 token, or repeats.</exception>
    public UpgradeRegistration(
        string name,
        string[] versions,
        string[] subProtocols,
        string handlerName,
        Func<IServiceProvider, object> factory)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(versions);
        ArgumentNullException.ThrowIfNull(subProtocols);
        ArgumentNullException.ThrowIfNull(handlerName);
        ArgumentNullException.ThrowIfNull(factory);

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

        Name = name;
        Kind = name.Equals("websocket", StringComparison.OrdinalIgnoreCase) ? UpgradeProtocolKind.WebSocket : UpgradeProtocolKind.Raw;
        _versions = (string[])versions.Clone();
        _subProtocols = (string[])subProtocols.Clone();
        HandlerName = handlerName;
        Factory = factory;

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

    /// <summary>Which handshake rule applies.</summary>
    public UpgradeProtocolKind Kind { get; }

    /// <summary>Accepted versions in preference order; empty accepts any.</summary>
    public IReadOnlyList<string> Versions => _versions;

    /// <summary>WebSocket subprotocols the handler speaks.</summary>
    public IReadOnlyList<string> SubProtocols => _subProtocols;

    /// <summary>The handler's type name.</summary>
    public string HandlerName { get; }

    /// <summary>Constructs the handler from the request's services.</summary>
    public Func<IServiceProvider, object> Factory { get; }

    /// <summary>How this registration is listed in the <c>Upgrade</c> header of a 426 response.</summary>
    public string Advertised { get; }

    internal ReadOnlySpan<string> VersionSpan => _versions;

    internal ReadOnlySpan<string> SubProtocolSpan => _subProtocols;

    /// <summary>The <c>name/version</c> string for the version at <paramref name="versionIndex"/>.</summary>
    internal string GetUpgradeValue(int versionIndex) => _upgradeValues[versionIndex];

    /// <inheritdoc />
    public override string ToString() => _versions.Length == 0 ? $"{Name} -> {HandlerName}" : $"{Name}/{string.Join(",", _versions)} -> {HandlerName}";

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
