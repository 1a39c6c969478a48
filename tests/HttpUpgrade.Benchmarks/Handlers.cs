using System.IO;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;

namespace HttpUpgrade.Benchmarks;

[UpgradeProtocol("websocket", Versions = "13", SubProtocols = "chat.v2, chat.v1")]
public sealed class ChatHandler : IWebSocketHandler
{
    public Task OnConnectedAsync(WebSocket socket, UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;
}

[UpgradeProtocol("echo", Versions = "1")]
public sealed class EchoHandler : IUpgradeHandler
{
    public Task HandleAsync(UpgradeContext context, CancellationToken aborted) => context.Transport.CopyToAsync(Stream.Null, aborted);
}
