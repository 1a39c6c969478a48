using System;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace UpgradeSample;

/// <summary>
/// One chat room shared by every WebSocket connection: each text message a member sends is broadcast to every member,
/// the sender included. With a backplane (<see cref="RedisChatBackplane"/>), the room spans several instances of the
/// app: members' messages are also handed to the backplane, and messages from other instances are delivered here.
/// </summary>
public sealed class ChatRoom
{
    private const int MaxMessageBytes = 64 * 1024;

    private readonly ConcurrentDictionary<Member, byte> _members = new();
    private Channel<byte[]>? _relay;

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

    /// <summary>
    /// From now on, every message a member of this instance sends is also written, in the order the room received
    /// them, to the returned reader, for a backplane to carry to the other instances. Call it once, before members join.
    /// </summary>
    /// <param name="capacity">Messages kept while the backplane cannot keep up (its server is down); past that the oldest is dropped.</param>
    public ChannelReader<byte[]> RelayToOtherInstances(int capacity)
    {
        var relay = Channel.CreateBounded<byte[]>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        if (Interlocked.CompareExchange(ref _relay, relay, null) is not null)
        {
            throw new InvalidOperationException("This chat room already relays its messages to a backplane.");
        }

        return relay.Reader;
    }

    /// <summary>Delivers a message that a member of another instance sent to every member of this instance.</summary>
    public void DeliverFromOtherInstance(byte[] message) => DeliverLocally(message);

    private void Broadcast(byte[] message)
    {
        // Members here get it at once, whether or not the backplane is up: the room keeps working on one instance
        // while Redis is away. The backplane's own echo of this message is skipped by instance id, not delivered twice.
        DeliverLocally(message);
        Volatile.Read(ref _relay)?.Writer.TryWrite(message);
    }

    private void DeliverLocally(byte[] message)
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
