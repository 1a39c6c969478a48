using System;
using System.Threading.Tasks;

namespace HttpUpgrade.Deployment.Tests;

/// <summary>A reverse proxy running in front of a <see cref="SampleBackend"/> on a 127.0.0.1 port.</summary>
public abstract class ReverseProxy : IAsyncDisposable
{
    protected ReverseProxy(string name, int port)
    {
        Name = name;
        Port = port;
    }

    /// <summary>The configuration's name, e.g. <c>nginx</c> or <c>haproxy-any-upgrade</c>.</summary>
    public string Name { get; }

    public int Port { get; }

    /// <summary>The origin a browser sees for pages served through this proxy (RFC 6454 §6.1 serialization).</summary>
    public string PublicOrigin => $"http://127.0.0.1:{Port}";

    public Uri HttpUri(string path) => new($"{PublicOrigin}{path}");

    public Uri WebSocketUri(string path) => new($"ws://127.0.0.1:{Port}{path}");

    /// <summary>What the proxy logged so far, for failure messages.</summary>
    public abstract string Log { get; }

    public abstract ValueTask DisposeAsync();

    public override string ToString() => Name;
}
