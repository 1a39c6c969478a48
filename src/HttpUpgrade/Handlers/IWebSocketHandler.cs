using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;

namespace HttpUpgrade;

/// <summary>
/// A handler for the <c>websocket</c> upgrade (RFC 6455): it receives a server-side <see cref="WebSocket"/> over the
/// upgraded connection, with the negotiated subprotocol already applied.
/// </summary>
public interface IWebSocketHandler
{
    /// <summary>Runs the WebSocket session. When this returns, the host completes the closing handshake.</summary>
    /// <param name="socket">The server side of the connection.</param>
    /// <param name="context">The negotiated version and subprotocol, and the request's services.</param>
    /// <param name="aborted">
    /// Signalled when the client goes away, when the WebSocket gives up on the connection (a keep-alive ping left
    /// unanswered, <see cref="WebSocket.Abort"/>), or when the host shuts down: the host first sends a 1001 (Going Away) close
    /// frame, so a handler that keeps receiving sees the client's answering close and can return on its own; the token is
    /// cancelled if it has not within the endpoint's close timeout.
    /// </param>
    Task OnConnectedAsync(WebSocket socket, UpgradeContext context, CancellationToken aborted);
}
