using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using HttpUpgrade;
using HttpUpgrade.LoadBenchmark;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// The soak's server: the load benchmark's server A (MapUpgrade, Kestrel's defaults, log level Warning, server GC) with
// permessage-deflate (RFC 7692) offered to clients that ask for it, so one process serves both shares of the soak.
// The client starts it with --urls http://127.0.0.1:0 and reads its /stats.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddUpgradeHandlers();
var app = builder.Build();

app.MapUpgrade("/ws", options => options.Negotiation.WebSocketDeflate = new WebSocketDeflateOptions());
BenchmarkServer.MapStats(app);
await BenchmarkServer.RunAsync(app);

/// <summary>Echoes each message until the client closes; returning lets MapUpgrade complete the closing handshake.</summary>
[UpgradeProtocol("websocket", Versions = "13")]
public sealed class EchoHandler : IWebSocketHandler
{
    /// <inheritdoc />
    public Task OnConnectedAsync(WebSocket socket, UpgradeContext context, CancellationToken aborted)
        => EchoLoop.RunAsync(socket, aborted);
}
