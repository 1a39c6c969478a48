using System;
using System.Threading.Tasks;

namespace HttpUpgrade.Deployment.Tests;

/// <summary>A reverse proxy running in front of a <see cref="SampleBackend"/> on a 127.0.0.1 port.</summary>
public abstract class ReverseProxy : IAsyncDisposable
{
    protected ReverseProxy(string name, int port, int? tlsPort)
    {
        Name = name;
        Port = port;
        TlsPort = tlsPort;
    }

    /// <summary>The configuration's name, e.g. <c>nginx</c> or <c>haproxy-any-upgrade</c>.</summary>
    public string Name { get; }

    public int Port { get; }

    /// <summary>The port on which the proxy terminates TLS, for configurations that have one.</summary>
    public int? TlsPort { get; }

    /// <summary>The origin of pages served through the proxy's TLS port.</summary>
    public string PublicTlsOrigin => $"https://127.0.0.1:{TlsPort ?? throw new InvalidOperationException($"{Name} has no TLS port.")}";

    /// <summary>The origin a browser sees for pages served through this proxy (RFC 6454 §6.1 serialization).</summary>
    public string PublicOrigin => $"http://127.0.0.1:{Port}";

    public Uri HttpUri(string path) => new($"{PublicOrigin}{path}");

    public Uri WebSocketUri(string path) => new($"ws://127.0.0.1:{Port}{path}");

    public Uri SecureWebSocketUri(string path) => new($"wss://127.0.0.1:{TlsPort}{path}");

    /// <summary>What the proxy logged so far, for failure messages.</summary>
    public abstract string Log { get; }

    public abstract ValueTask DisposeAsync();

    public override string ToString() => Name;
}
