using System;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace UpgradeSample;

/// <summary>
/// One chat room shared by every WebSocket connection: each text message a member sends is broadcast to every member,
/// the sender included.
/// </summary>
public sealed class ChatRoom
{
    private const int MaxMessageBytes = 64 * 1024;

    private readonly ConcurrentDictionary<Member, byte> _members = new();

    /// <summary>Runs one member's session until the client closes the connection.</summary>
    public async Task JoinAsync(WebSocket socket, CancellationToken aborted)
    {
        var member = new Member(socket);
        _members.TryAdd(member, 0);
        Task sending = member.SendAllAsync(aborted);
        WebSocketCloseStatus? closeWith;
        try
        {
            closeWith = await ReceiveAllAsync(socket, aborted);
        }
        finally
        {
            _members.TryRemove(member, out _);
            member.Leave();
            await sending;
        }

        if (closeWith is { } status)
        {
            await socket.CloseAsync(status, "A chat message may have at most 64 KiB.", aborted);
        }
    }

    /// <summary>Receives messages until the client closes (null) or sends one too large to relay.</summary>
    private async Task<WebSocketCloseStatus?> ReceiveAllAsync(WebSocket socket, CancellationToken aborted)
    {
        byte[] buffer = new byte[MaxMessageBytes];
        int length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                return WebSocketCloseStatus.MessageTooBig;
            }

            ValueWebSocketReceiveResult result = await socket.ReceiveAsync(buffer.AsMemory(length), aborted);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            length += result.Count;
            if (!result.EndOfMessage)
            {
                continue;
            }

            // Binary messages have no meaning in this chat; they are dropped.
            if (result.MessageType == WebSocketMessageType.Text)
            {
                Broadcast(buffer.AsSpan(0, length).ToArray());
            }

            length = 0;
        }
    }

    private void Broadcast(byte[] message)
    {
        foreach (Member member in _members.Keys)
        {
            member.Post(message);
        }
    }

    /// <summary>
    /// A connected socket and its outbox. A WebSocket allows one send at a time, and a slow member must not hold up
    /// the others, so each member has its own queue and sender; when a queue is full the oldest message is dropped.
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
                // The connection is gone; the receive side sees the same failure and ends the session.
            }
        }
    }
}
