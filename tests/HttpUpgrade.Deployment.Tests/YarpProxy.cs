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
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HttpUpgrade.Deployment.Tests;

/// <summary>
/// YARP (<c>Yarp.ReverseProxy</c>) as its getting-started guide sets it up, in this process on its own Kestrel at
/// 127.0.0.1 port 0: routes and clusters from Proxies/yarp.json, default transforms (which add X-Forwarded-For, -Proto,
/// -Host and -Prefix), <c>MapReverseProxy()</c>.
/// </summary>
public sealed class YarpProxy : ReverseProxy
{
    private readonly WebApplication _app;

    private YarpProxy(int port, WebApplication app)
        : base("yarp", port) => _app = app;

    public override string Log => "";

    public static async Task<YarpProxy> StartAsync(string backend)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(2));
        string config = ProxyConfig.Fill("yarp.json", new Dictionary<string, string> { ["BACKEND"] = backend });
        // Only yarp.json: the sample's appsettings.json, copied beside this assembly by the project reference, names Kestrel endpoints.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(config)));
        builder.Services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));

        WebApplication app = builder.Build();
        app.MapReverseProxy();
        await app.StartAsync();
        string[] addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.ToArray();
        string address = addresses.Length == 1 ? addresses[0] : throw new InvalidOperationException("YARP listens on " + string.Join(", ", addresses));
        return new YarpProxy(new Uri(address).Port, app);
    }

    public override async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
