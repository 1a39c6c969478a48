using System.Net.WebSockets;
using HttpUpgrade;

namespace HttpUpgradeApp;

/// <summary>WebSocket (RFC 6455, version 13) connections join the chat room.</summary>
[UpgradeProtocol("websocket", Versions = "13", SubProtocols = "chat.v1")]
public sealed class ChatHandler(ChatRoom room) : IWebSocketHandler
{
    /// <inheritdoc />
    public Task OnConnectedAsync(WebSocket socket, UpgradeContext context, CancellationToken aborted)
        => room.JoinAsync(socket, aborted);
}

/// <summary>
/// A custom protocol token: after the 101 the connection is a raw duplex stream, and this one sends every byte back.
/// </summary>
[UpgradeProtocol("echo", Versions = "1")]
public sealed class EchoHandler : IUpgradeHandler
{
    /// <inheritdoc />
    public Task HandleAsync(UpgradeContext context, CancellationToken aborted)
        => context.Transport.CopyToAsync(context.Transport, aborted);
}
