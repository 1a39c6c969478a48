using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Threading.Channels;

namespace HttpUpgradeApp;

/// <summary>
/// One chat room shared by every WebSocket connection: each text message a member sends goes to every member, the
/// sender included.
/// </summary>
public sealed class ChatRoom
{
    private const int MaxMessageBytes = 16 * 1024;

    private readonly ConcurrentDictionary<Member, byte> _members = new();

    /// <summary>Runs one member's session until the client closes the connection.</summary>
    public async Task JoinAsync(WebSocket socket, CancellationToken aborted)
    {
        var member = new Member(socket);
        _members.TryAdd(member, 0);
        Task sending = member.SendAllAsync(aborted);
        bool tooBig;
        try
        {
            tooBig = await ReceiveAllAsync(socket, aborted);
        }
        finally
        {
            _members.TryRemove(member, out _);
            member.Leave();
            await sending;
        }

        if (tooBig)
        {
            // RFC 6455 §7.4.1: 1009, a message too big to process.
            await socket.CloseAsync(WebSocketCloseStatus.MessageTooBig, "A message may have at most 16 KiB.", aborted);
        }
    }

    /// <summary>Relays messages until the client closes (false) or sends one too big to relay (true).</summary>
    private async Task<bool> ReceiveAllAsync(WebSocket socket, CancellationToken aborted)
    {
        byte[] buffer = new byte[MaxMessageBytes];
        int length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                return true;
            }

            ValueWebSocketReceiveResult result = await socket.ReceiveAsync(buffer.AsMemory(length), aborted);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return false;
            }

            length += result.Count;
            if (!result.EndOfMessage)
            {
                continue;
            }

            // A chat is text; binary messages are dropped.
            if (result.MessageType == WebSocketMessageType.Text)
            {
                byte[] message = buffer.AsSpan(0, length).ToArray();
                foreach (Member member in _members.Keys)
                {
                    member.Post(message);
                }
            }

            length = 0;
        }
    }

    /// <summary>
    /// A socket and its outbox. A WebSocket allows one send at a time and a slow member must not hold up the others,
    /// so each member has its own queue and sender; when the queue is full its oldest message is dropped.
    /// </summary>
    private sealed class Member(WebSocket socket)
    {
        private readonly Channel<byte[]> _outbox = Channel.CreateBounded<byte[]>(
            new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

        public void Post(byte[] message) => _outbox.Writer.TryWrite(message);

        public void Leave() => _outbox.Writer.TryComplete();

        public async Task SendAllAsync(CancellationToken aborted)
        {
            try
            {
                await foreach (byte[] message in _outbox.Reader.ReadAllAsync(aborted))
                {
                    await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, aborted);
                }
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
            {
                // The connection is gone; the receiving side sees the same and ends the session.
            }
        }
    }
}
