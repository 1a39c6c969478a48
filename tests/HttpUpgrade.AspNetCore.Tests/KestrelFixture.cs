using System;
using System.Linq;
using System.Net;
using System.Net.WebSockets;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;

namespace HttpUpgrade.AspNetCore.Tests;

/// <summary>
/// Real Kestrel on 127.0.0.1 and two ephemeral ports, serving this assembly's generated registry: <see cref="Port"/>
/// speaks HTTP/1.1 only, <see cref="Http2Port"/> cleartext HTTP/2 only (prior knowledge), so extended CONNECT can be
/// tried without TLS. The endpoints differ only in their options:
/// <list type="bullet">
/// <item><c>/ws</c>: the defaults (same-origin, unmatched subprotocol rejected, no compression, 30 s pongs).</item>
/// <item><c>/rfc-example</c>: allows the origin of the RFC 6455 §1.2 example, <c>http://example.com</c>.</item>
/// <item><c>/one-offer</c>: reads a single <c>Upgrade</c> element.</item>
/// <item><c>/fallback</c>: serves a handshake without an agreed subprotocol.</item>
/// <item><c>/deflate</c>: permessage-deflate for every WebSocket handler; <c>/deflate-small</c> with 10-bit windows and no context takeover.</item>
/// <item><c>/deflate-echo-only</c>: permessage-deflate for <see cref="EchoWebSocketHandler"/> alone.</item>
/// <item><c>/pong</c>: an unsolicited pong every 100 ms; <c>/ping</c>: a ping every 100 ms, aborted without a pong within 300 ms.</item>
/// <item><c>/any-origin</c>: every origin allowed; <c>/listed-only</c>: only <see cref="RfcExampleOrigin"/>, not the same origin.</item>
/// <item><c>/echo-only</c>: <see cref="RawEchoHandler"/> alone; <c>/chat-and-echo</c>: it and <see cref="EchoWebSocketHandler"/>.</item>
/// <item><c>/named</c>: one offer read, from options named after the pattern.</item>
/// <item><c>/full</c>: <c>MaxConcurrentConnections</c> 0, so every upgrade is refused (503, <c>Retry-After: 2</c>).</item>
/// </list>
/// </summary>
public class KestrelFixture : IAsyncLifetime
{
    public const string RfcExampleOrigin = "http://example.com";

    private WebApplication? _app;

    public RecordingLoggerProvider Logs { get; } = new();

    public DisposalJournal Disposals { get; } = new();

    public HandlerJournal Journal { get; } = new();

    public int Port { get; private set; }

    /// <summary>The running app's services.</summary>
    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("The app has not started.");

    public int Http2Port { get; private set; }

    /// <summary>Whether the listeners use the connection-level fast path (<c>UseUpgradeFastPath</c>).</summary>
    public virtual bool FastPath => false;

    public Uri WebSocketUri(string path) => new($"ws://127.0.0.1:{Port}{path}");

    public Uri Http2WebSocketUri(string path) => new($"ws://127.0.0.1:{Http2Port}{path}");

    public async Task InitializeAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(Logs);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.Services.AddSingleton(Disposals);
        builder.Services.AddSingleton(Journal);
        builder.Services.AddUpgradeHandlers();

        // Named options: the endpoint mapped at "/named" reads one offer only, every other the default eight.
        builder.Services.Configure<UpgradeEndpointOptions>("/named", options => options.Negotiation.MaxOffers = 1);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            ConfigureLimits(kestrel.Limits);
            if (FastPath)
            {
                // Through the defaults, as an app with Kestrel:Endpoints would; the HTTP/2-only listener turns it off.
                kestrel.ConfigureEndpointDefaults(listen => listen.UseUpgradeFastPath());
            }

            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1);
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
        });

        WebApplication app = builder.Build();
        MapEndpoints(app);
        await app.StartAsync();
        _app = app;

        // Kestrel reports its bound addresses in the order the endpoints were configured.
        string[] addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.ToArray();
        Assert.Equal(2, addresses.Length);
        Port = new Uri(addresses[0]).Port;
        Http2Port = new Uri(addresses[1]).Port;
    }

    /// <summary>Lets a derived fixture change Kestrel's limits (the adversarial corpus shortens RequestHeadersTimeout).</summary>
    protected virtual void ConfigureLimits(KestrelServerLimits limits)
    {
    }

    /// <summary>The endpoints every Kestrel app of these tests maps.</summary>
    public static void MapEndpoints(WebApplication app)
    {
        app.MapUpgrade("/ws");
        app.MapUpgrade("/rfc-example", options => options.Negotiation.AllowedOrigins.Add(RfcExampleOrigin));
        app.MapUpgrade("/one-offer", options => options.Negotiation.MaxOffers = 1);
        app.MapUpgrade("/fallback", options => options.Negotiation.UnmatchedSubProtocol = UnmatchedSubProtocolBehavior.ServeWithoutSubProtocol);
        app.MapUpgrade("/deflate", options => options.Negotiation.WebSocketDeflate = new WebSocketDeflateOptions());
        app.MapUpgrade("/deflate-small", options => options.Negotiation.WebSocketDeflate = new WebSocketDeflateOptions
        {
            ServerMaxWindowBits = 10,
            ClientMaxWindowBits = 10,
            ServerContextTakeover = false,
        });
        app.MapUpgrade("/deflate-echo-only", options => options.Negotiation.ForHandler<EchoWebSocketHandler>(handler => handler.WebSocketDeflate = new WebSocketDeflateOptions()));
        app.MapUpgrade("/pong", options => options.WebSocketKeepAliveInterval = TimeSpan.FromMilliseconds(100));
        app.MapUpgrade("/ping", options =>
        {
            options.WebSocketKeepAliveInterval = TimeSpan.FromMilliseconds(100);
            options.WebSocketKeepAliveTimeout = TimeSpan.FromMilliseconds(300);
        });
        app.MapUpgrade("/any-origin", options => options.Negotiation.AllowAnyOrigin = true);
        app.MapUpgrade("/listed-only", options =>
        {
            options.Negotiation.AllowSameOrigin = false;
            options.Negotiation.AllowedOrigins.Add(RfcExampleOrigin);
        });
        app.MapUpgrade<RawEchoHandler>("/echo-only");
        app.MapUpgrade<EchoWebSocketHandler, RawEchoHandler>("/chat-and-echo");
        app.MapUpgrade("/named");
        app.MapUpgrade("/full", options =>
        {
            options.MaxConcurrentConnections = 0;
            options.ConnectionLimitRetryAfter = TimeSpan.FromSeconds(2);
        });
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

/// <summary>
/// <see cref="KestrelFixture"/> with <c>ConfigureEndpointDefaults(l =&gt; l.UseUpgradeFastPath())</c>: the same app and
/// endpoints, with MapUpgrade handshakes on the HTTP/1.1 port answered from the connection's pipe.
/// </summary>
public sealed class FastPathKestrelFixture : KestrelFixture
{
    public override bool FastPath => true;
}
