using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace HttpUpgrade.Deployment.Tests;

/// <summary>
/// YARP (<c>Yarp.ReverseProxy</c>) as its getting-started guide sets it up, in this process on its own Kestrel at
/// 127.0.0.1 port 0: routes and clusters from Proxies/yarp.json, default transforms (which add X-Forwarded-For, -Proto,
/// -Host and -Prefix), <c>MapReverseProxy()</c>.
/// </summary>
public sealed class YarpProxy : ReverseProxy
{
    private readonly WebApplication _app;

    private YarpProxy(string name, int port, int tlsPort, WebApplication app)
        : base(name, port, tlsPort) => _app = app;

    public override string Log => "";

    /// <summary>
    /// Starts YARP in front of <paramref name="backend"/>: as configured by yarp.json alone (<c>yarp</c>), or with
    /// <see cref="ForwardUpgradeTokens"/> for <c>echo/1</c> (<c>yarp-custom-upgrade</c>).
    /// </summary>
    public static async Task<YarpProxy> StartAsync(string backend, ProxyCertificate certificate, bool forwardEcho = false)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(2));
        string config = ProxyConfig.Fill("yarp.json", new Dictionary<string, string> { ["BACKEND"] = backend });
        // Only yarp.json: the sample's appsettings.json, copied beside this assembly by the project reference, names Kestrel endpoints.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(config)));
        IReverseProxyBuilder proxy = builder.Services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));
        if (forwardEcho)
        {
            proxy.AddTransforms(transforms => ForwardUpgradeTokens(transforms, "echo/1"));
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate.Certificate));
        });

        WebApplication app = builder.Build();
        app.MapReverseProxy();
        await app.StartAsync();
        // Kestrel reports its bound addresses in the order the endpoints were configured.
        Uri[] addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToArray();
        if (addresses is not [{ Scheme: "http" } plain, { Scheme: "https" } secure])
        {
            throw new InvalidOperationException("YARP listens on " + string.Join(", ", (object[])addresses));
        }

        return new YarpProxy(forwardEcho ? "yarp-custom-upgrade" : "yarp", plain.Port, secure.Port, app);
    }

    /// <summary>
    /// Passes on an HTTP/1.1 upgrade to one of <paramref name="tokens"/>. YARP's forwarder passes <c>Upgrade</c> on only
    /// for <c>websocket</c> and <c>SPDY/*</c> and drops it (a hop-by-hop field, RFC 9110 §7.6.1) for any other token;
    /// after the backend's 101 it relays any upgraded connection. Only a single listed token is passed on, never h2c.
    /// </summary>
    public static void ForwardUpgradeTokens(TransformBuilderContext transforms, params string[] tokens)
        => transforms.AddRequestTransform(context =>
        {
            HttpContext http = context.HttpContext;
            if (http.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true }
                && http.Request.Headers.Upgrade is [string token]
                && tokens.Contains(token, StringComparer.OrdinalIgnoreCase))
            {
                context.ProxyRequest.Headers.TryAddWithoutValidation("Connection", "Upgrade");
                context.ProxyRequest.Headers.TryAddWithoutValidation("Upgrade", token);
            }

            return ValueTask.CompletedTask;
        });

    public override async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
