using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using HttpUpgrade.Testing;
using Xunit;

namespace HttpUpgrade.Deployment.Tests;

/// <summary>The proxy configurations of tests/HttpUpgrade.Deployment.Tests/Proxies, filled in for one run.</summary>
public static class ProxyConfig
{
    public static string Directory { get; } = Path.Combine(RepositoryPaths.Root, "tests", "HttpUpgrade.Deployment.Tests", "Proxies");

    /// <summary>The text of <paramref name="file"/> with each <c>{{NAME}}</c> replaced; every placeholder must be filled.</summary>
    public static string Fill(string file, IReadOnlyDictionary<string, string> values)
    {
        string text = File.ReadAllText(Path.Combine(Directory, file));
        foreach ((string name, string value) in values)
        {
            text = text.Replace("{{" + name + "}}", value, System.StringComparison.Ordinal);
        }

        Assert.False(text.Contains("{{", System.StringComparison.Ordinal), $"{file} has a placeholder that was not filled.");
        return text;
    }

    /// <summary>
    /// A loopback port that was free a moment ago, for a program that cannot report the port it bound (nginx, HAProxy).
    /// Another process may take it in between; <see cref="ProxyProcess"/> then starts again on another.
    /// </summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
