using System.Net.WebSockets;
using HttpUpgrade.LoadBenchmark;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

// Server B, the baseline: the same echo loop the way the ASP.NET Core WebSocket docs write it, with UseWebSockets and
// AcceptWebSocketAsync. Same builder, same Kestrel defaults, same log level as server A.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var app = builder.Build();

app.UseWebSockets();
app.Map("/ws", async context =>
{
    if (!context.WebSockets.IsWebSocketRequest)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return;
    }

    using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync();
    await EchoLoop.RunAsync(socket, context.RequestAborted);

    // RFC 6455 §5.5.1: answer the client's close frame, as MapUpgrade does when server A's handler returns.
    if (socket.State == WebSocketState.CloseReceived)
    {
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, context.RequestAborted);
    }
});
BenchmarkServer.MapStats(app);
await BenchmarkServer.RunAsync(app);
