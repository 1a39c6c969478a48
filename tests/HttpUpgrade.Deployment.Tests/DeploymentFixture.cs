using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace HttpUpgrade.Deployment.Tests;

/// <summary>
/// Two sample processes and every proxy configuration in front of them, started once for all deployment tests:
/// <list type="bullet">
/// <item><see cref="Backend"/> runs with <c>ForwardedHeaders:Enabled=true</c>, as docs/deployment.md deploys it; nginx,
/// HAProxy and YARP with the recommended configurations (nginx.conf, haproxy.cfg, yarp.json), and the configurations
/// kept to show what goes wrong (nginx-any-upgrade.conf, haproxy-any-upgrade.cfg, nginx-no-upgrade.conf), and YARP with a transform that passes echo/1 on (yarp-custom-upgrade), are in front of it.</item>
/// <item><see cref="PlainBackend"/> runs as the README starts it, without forwarded headers; nginx, HAProxy and YARP
/// with the recommended configurations are in front of it too.</item>
/// </list>
/// </summary>
public sealed class DeploymentFixture : IAsyncLifetime
{
    /// <summary>The recommended configuration of each proxy, for theories over all three.</summary>
    public static TheoryData<string> Proxies => new() { "nginx", "haproxy", "yarp" };

    private readonly Dictionary<string, ReverseProxy> _proxies = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ReverseProxy> _plainProxies = new(StringComparer.Ordinal);

    /// <summary>The certificate with which every proxy terminates TLS on its <see cref="ReverseProxy.TlsPort"/>.</summary>
    public ProxyCertificate Certificate { get; } = new();

    public SampleBackend Backend { get; private set; } = null!;

    public SampleBackend PlainBackend { get; private set; } = null!;

    /// <summary>The proxy configuration <paramref name="name"/> in front of <see cref="Backend"/>.</summary>
    public ReverseProxy Proxy(string name) => _proxies[name];

    /// <summary>The recommended configuration of proxy <paramref name="name"/> in front of <see cref="PlainBackend"/>.</summary>
    public ReverseProxy ProxyToPlainBackend(string name) => _plainProxies[name];

    public async Task InitializeAsync()
    {
        try
        {
            await StartAllAsync();
        }
        catch
        {
            // Nothing started may outlive a fixture that failed to start.
            await DisposeAsync();
            throw;
        }
    }

    private async Task StartAllAsync()
    {
        Task<SampleBackend> backend = SampleBackend.StartAsync(forwardedHeaders: true);
        Task<SampleBackend> plainBackend = SampleBackend.StartAsync(forwardedHeaders: false);
        try
        {
            await Task.WhenAll(backend, plainBackend);
        }
        finally
        {
            Backend = backend.IsCompletedSuccessfully ? backend.Result : null!;
            PlainBackend = plainBackend.IsCompletedSuccessfully ? plainBackend.Result : null!;
        }

        ReverseProxy[] started = await Task.WhenAll(
            Start(_proxies, ProxyProcess.StartNginxAsync("nginx.conf", Backend.Address, Certificate)),
            Start(_proxies, ProxyProcess.StartHaproxyAsync("haproxy.cfg", Backend.Address, Certificate)),
            Start(_proxies, YarpProxy.StartAsync(Backend.Address, Certificate)),
            Start(_proxies, ProxyProcess.StartNginxAsync("nginx-any-upgrade.conf", Backend.Address, Certificate)),
            Start(_proxies, ProxyProcess.StartHaproxyAsync("haproxy-any-upgrade.cfg", Backend.Address, Certificate)),
            Start(_proxies, ProxyProcess.StartNginxAsync("nginx-no-upgrade.conf", Backend.Address, Certificate)),
            Start(_proxies, YarpProxy.StartAsync(Backend.Address, Certificate, forwardEcho: true)),
            Start(_plainProxies, ProxyProcess.StartNginxAsync("nginx.conf", PlainBackend.Address, Certificate)),
            Start(_plainProxies, ProxyProcess.StartHaproxyAsync("haproxy.cfg", PlainBackend.Address, Certificate)),
            Start(_plainProxies, YarpProxy.StartAsync(PlainBackend.Address, Certificate)));
        Assert.Equal(started.Length, _proxies.Count + _plainProxies.Count);
    }

    public async Task DisposeAsync()
    {
        foreach (ReverseProxy proxy in _proxies.Values.Concat(_plainProxies.Values).ToArray())
        {
            await proxy.DisposeAsync();
        }

        _proxies.Clear();
        _plainProxies.Clear();

        if (Backend is not null)
        {
            await Backend.DisposeAsync();
            Backend = null!;
        }

        if (PlainBackend is not null)
        {
            await PlainBackend.DisposeAsync();
            PlainBackend = null!;
        }

        Certificate.Dispose();
    }

    private async Task<ReverseProxy> Start<T>(Dictionary<string, ReverseProxy> into, Task<T> starting)
        where T : ReverseProxy
    {
        T proxy = await starting;
        lock (into)
        {
            into.Add(proxy.Name, proxy);
        }

        return proxy;
    }
}

/// <summary>Every deployment test shares one <see cref="DeploymentFixture"/>: its processes start once.</summary>
[CollectionDefinition(Name)]
public sealed class DeploymentCollection : ICollectionFixture<DeploymentFixture>
{
    public const string Name = "Deployment";
}
