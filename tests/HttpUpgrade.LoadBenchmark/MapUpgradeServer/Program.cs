using System;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using HttpUpgrade;
using HttpUpgrade.LoadBenchmark;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// Server A: HttpUpgrade, written as its README shows. The client starts it with --urls http://127.0.0.1:0.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddUpgradeHandlers();
if (Environment.GetEnvironmentVariable("HTTPUPGRADE_FAST_PATH") == "1")
{
    // The client's --fast-path: the same app, with MapUpgrade handshakes answered from the connection's pipe.
    builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen => listen.UseUpgradeFastPath()));
}

var app = builder.Build();

app.MapUpgrade("/ws");
BenchmarkServer.MapStats(app);
await BenchmarkServer.RunAsync(app);

/// <summary>Echoes each message until the client closes; returning lets MapUpgrade complete the closing handshake.</summary>
[UpgradeProtocol("websocket", Versions = "13")]
public sealed class EchoHandler : IWebSocketHandler
{
    public Task OnConnectedAsync(WebSocket socket, UpgradeContext context, CancellationToken aborted)
        => EchoLoop.RunAsync(socket, aborted);
}
