using System;
using System.IO;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace HttpUpgrade.Packaging.Tests.Infrastructure;

/// <summary>The two upgrades a user tries first, made by clients HttpUpgrade did not write.</summary>
internal static class UpgradeClient
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Opens a WebSocket with .NET's <see cref="ClientWebSocket"/> offering <paramref name="subProtocol"/>, sends
    /// <paramref name="send"/> when given, and returns the agreed subprotocol and the first text message received.
    /// </summary>
    public static async Task<(string? SubProtocol, string Message)> WebSocketAsync(Uri server, string path, string subProtocol, string? send)
    {
        using var timeout = new CancellationTokenSource(s_timeout);
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(subProtocol);
        await socket.ConnectAsync(new Uri($"ws://{server.Authority}{path}"), timeout.Token);
        if (send is not null)
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(send), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
        }

        var buffer = new byte[4096];
        var message = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, timeout.Token);
            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);

        Assert.Equal(WebSocketMessageType.Text, result.MessageType);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
        return (socket.SubProtocol, Encoding.UTF8.GetString(message.ToArray()));
    }

    /// <summary>
    /// Sends an HTTP/1.1 upgrade to <paramref name="upgrade"/> over a raw socket with <paramref name="payload"/> right
    /// after the request head, and returns the response head and the first bytes that follow it.
    /// </summary>
    public static async Task<(string Head, string Body)> RawAsync(Uri server, string path, string upgrade, string payload)
    {
        using var timeout = new CancellationTokenSource(s_timeout);
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port, timeout.Token);
        NetworkStream stream = client.GetStream();
        string request = $"GET {path} HTTP/1.1\r\nHost: {server.Authority}\r\nConnection: Upgrade\r\nUpgrade: {upgrade}\r\n\r\n{payload}";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), timeout.Token);

        var received = new StringBuilder();
        var buffer = new byte[4096];
        while (true)
        {
            string text = received.ToString();
            int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0 && text.Length - end - 4 >= payload.Length)
            {
                return (text[..end], text[(end + 4)..]);
            }

            int read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                return end >= 0 ? (text[..end], text[(end + 4)..]) : (text, string.Empty);
            }

            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
    }
}
