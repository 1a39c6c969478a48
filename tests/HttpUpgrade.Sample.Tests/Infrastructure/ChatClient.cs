using System;
using System.Collections.Generic;
using System.Net.WebSockets;
using System.Text;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace HttpUpgrade.Sample.Tests.Infrastructure;

/// <summary>
/// A chat member: .NET's <see cref="ClientWebSocket"/> joined to the sample's room with subprotocol chat.v1, receiving
/// in the background so a test can send and wait for messages at once.
/// </summary>
public sealed class ChatClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly Channel<string> _received = Channel.CreateUnbounded<string>();
    private readonly Task _receiving;

    private ChatClient(ClientWebSocket socket)
    {
        _socket = socket;
        _receiving = ReceiveAllAsync();
    }

    public static async Task<ChatClient> ConnectAsync(Uri uri, CancellationToken cancellationToken = default)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("chat.v1");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        await socket.ConnectAsync(uri, timeout.Token);
        return new ChatClient(socket);
    }

    public string? SubProtocol => _socket.SubProtocol;

    public Task SendAsync(string text)
        => _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    /// <summary>The next message that starts with <paramref name="prefix"/>; others (from other tests, probes) are skipped.</summary>
    public async Task<string> ReceiveAsync(string prefix, TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                string message = await _received.Reader.ReadAsync(cancellation.Token);
                if (message.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return message;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No message starting with '{prefix}' within {timeout}.");
        }
    }

    /// <summary>Messages starting with <paramref name="prefix"/> until one equals <paramref name="last"/> (included).</summary>
    public async Task<IReadOnlyList<string>> ReceiveUntilAsync(string prefix, string last, TimeSpan timeout)
    {
        var messages = new List<string>();
        DateTime deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            TimeSpan left = deadline - DateTime.UtcNow;
            string message = await ReceiveAsync(prefix, left > TimeSpan.Zero ? left : TimeSpan.Zero);
            messages.Add(message);
            if (message == last)
            {
                return messages;
            }
        }
    }

    /// <summary>Drops what has arrived so far.</summary>
    public void Clear()
    {
        while (_received.Reader.TryRead(out _))
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            await _receiving.WaitAsync(timeout.Token);
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or TimeoutException)
        {
            // The server side is gone already.
        }
        finally
        {
            _socket.Dispose();
        }
    }

    private async Task ReceiveAllAsync()
    {
        byte[] buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                int length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
                    length += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                _received.Writer.TryWrite(Encoding.UTF8.GetString(buffer, 0, length));
            }
        }
        catch (WebSocketException)
        {
            // Connection lost; a waiting test times out and says so.
        }
        finally
        {
            _received.Writer.TryComplete();
        }
    }
}
