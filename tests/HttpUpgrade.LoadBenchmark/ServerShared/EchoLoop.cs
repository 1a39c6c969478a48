using System;
using System.Buffers;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;

namespace HttpUpgrade.LoadBenchmark;

/// <summary>
/// What both servers do with an upgraded connection, compiled into each from this one file: echo every message until
/// the client's close frame arrives, then return. The code after it differs only in who answers the close: server A's
/// handler returns and MapUpgrade completes the closing handshake; server B's endpoint calls <c>CloseAsync</c> itself.
/// </summary>
public static class EchoLoop
{
    // The benchmark's messages are small; a pooled buffer keeps the handler's own allocations out of the comparison.
    private const int BufferSize = 4096;

    public static async Task RunAsync(WebSocket socket, CancellationToken aborted)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (true)
            {
                ValueWebSocketReceiveResult received = await socket.ReceiveAsync(buffer.AsMemory(), aborted);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, aborted);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
