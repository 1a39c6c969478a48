using System.Net;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using HttpUpgrade;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;
using UpgradeSample;

var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseKestrelHttpsConfiguration();   // lets Kestrel:Endpoints configure HTTPS (and so HTTP/2 for browsers)
builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen =>
{
    listen.UseTlsUpgrade(SampleCertificate.ForLocalhost());   // RFC 2817: Upgrade: TLS/1.2 on the cleartext port
    listen.UseH2cUpgrade();                                   // RFC 7540 §3.2: Upgrade: h2c, and HTTP/2 by prior knowledge
}));
builder.Services.AddChatRoom(builder.Configuration);   // and, with Chat:Redis set, a Redis backplane across instances

// Behind a reverse proxy on this machine (docs/deployment.md): its X-Forwarded-Host/Proto become the request's host and
// scheme, so a page served through the proxy passes the WebSocket same-origin check. Off by default, since a client that
// is not a trusted proxy must not choose what "same origin" means.
bool forwardedHeaders = bool.TryParse(builder.Configuration["ForwardedHeaders:Enabled"], out bool enabled) && enabled;
builder.Services.Configure<ForwardedHeadersOptions>(options =>
{
    options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
    options.KnownIPNetworks.Clear();
    options.KnownProxies.Clear();
    options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse("127.0.0.0/8"));   // only proxies on loopback are trusted
    options.KnownProxies.Add(IPAddress.IPv6Loopback);
});
builder.Services.AddUpgradeHandlers();      // generated: registers ChatHandler and EchoHandler, and (AddHttpUpgrade) connection upgrades
bool metrics = PrometheusMetrics.IsEnabled(builder.Configuration);   // Metrics:Prometheus=true
if (metrics)
{
    builder.Services.AddPrometheusMetrics();
}

var app = builder.Build();

if (forwardedHeaders)
{
    app.UseForwardedHeaders();              // first, so everything after it (the origin check included) sees the public origin
}

app.UseDefaultFiles();                      // "/" serves wwwroot/index.html, a chat page that opens a WebSocket to /chat
app.UseStaticFiles();
app.MapGet("/about", (HttpRequest request) => $"""
    HttpUpgrade sample. /chat is upgrade-only; plain requests there get 426 Upgrade Required.
      WebSocket chat: open http://{request.Host}/ in a browser, or connect to ws://{request.Host}/chat
                      with subprotocol chat.v2 or chat.v1; every text message is broadcast to everyone
                      in the room, sender included. Over HTTPS, browsers use HTTP/2 (RFC 8441).
      Raw echo:       send 'Connection: Upgrade' and 'Upgrade: echo/1' to /chat;
                      after the 101, every byte you send comes back.

    """);

// WebSocket and echo/1 on one URL: the client's Upgrade header (or HTTP/2 :protocol) picks. Same-origin browsers only,
// and permessage-deflate for clients that offer it.
app.MapUpgrade("/chat", options => options.Negotiation.WebSocketDeflate = new WebSocketDeflateOptions());
app.MapGet("/account", (HttpRequest request) => $"Your account, over {(request.IsHttps ? "TLS" : "plain HTTP")} ({request.Protocol}).\n")
    .RequireTlsUpgrade();                   // plain requests get 426 Upgrade: TLS/1.2, HTTP/1.1
if (metrics)
{
    app.MapPrometheusMetrics();             // GET /metrics: the httpupgrade.* instruments in Prometheus text format
}

app.Run();

[UpgradeProtocol("websocket", Versions = "13", SubProtocols = "chat.v2, chat.v1")]
public sealed class ChatHandler(ChatRoom room) : IWebSocketHandler
{
    public Task OnConnectedAsync(WebSocket socket, UpgradeContext context, CancellationToken aborted)
        => room.JoinAsync(socket, aborted);
}

[UpgradeProtocol("echo", Versions = "1")]   // any registered token: the handler owns the raw duplex stream
public sealed class EchoHandler : IUpgradeHandler
{
    public Task HandleAsync(UpgradeContext context, CancellationToken aborted)
        => context.Transport.CopyToAsync(context.Transport, aborted);
}
