using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using HttpUpgrade;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using UpgradeSample;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.AddSingleton<ChatRoom>();
builder.Services.AddUpgradeHandlers();      // generated for this assembly: registers ChatHandler and EchoHandler
var app = builder.Build();

app.MapGet("/", (HttpRequest request) => $"""
    HttpUpgrade sample. /chat is upgrade-only; plain requests there get 426 Upgrade Required.
      WebSocket chat: connect to ws://{request.Host}/chat with subprotocol chat.v2 or chat.v1;
                      every text message is broadcast to everyone in the room, sender included.
      Raw echo:       send 'Connection: Upgrade' and 'Upgrade: echo/1' to /chat;
                      after the 101, every byte you send comes back.

    """);
app.MapUpgrade("/chat");                    // WebSocket and echo/1 on one URL: the client's Upgrade header picks
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
