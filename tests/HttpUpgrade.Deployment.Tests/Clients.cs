using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.WebSockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace HttpUpgrade.Deployment.Tests;

/// <summary>Client-side helpers shared by the deployment tests.</summary>
internal static class Clients
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <summary>A <see cref="ClientWebSocket"/> that keeps the handshake's status and headers, offering <paramref name="subProtocols"/>.</summary>
    public static ClientWebSocket WebSocket(params string[] subProtocols)
    {
        var client = new ClientWebSocket();
        client.Options.CollectHttpResponseDetails = true;
        foreach (string subProtocol in subProtocols)
        {
            client.Options.AddSubProtocol(subProtocol);
        }

        return client;
    }

    /// <summary>
    /// Connects <paramref name="client"/> and returns the handshake's status code: 101, or the refusal the client saw
    /// (ClientWebSocket throws on anything but 101, and keeps the status).
    /// </summary>
    public static async Task<int> ConnectAsync(ClientWebSocket client, Uri uri)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await client.ConnectAsync(uri, timeout.Token);
        }
        catch (WebSocketException) when (client.HttpStatusCode != 0)
        {
        }

        return (int)client.HttpStatusCode;
    }

    /// <summary>The values of response header <paramref name="name"/> of <paramref name="client"/>'s handshake, compared case-insensitively.</summary>
    public static string[] ResponseHeader(ClientWebSocket client, string name)
        => (client.HttpResponseHeaders ?? new Dictionary<string, IEnumerable<string>>())
            .Where(header => header.Key.Equals(name, StringComparison.OrdinalIgnoreCase))
            .SelectMany(header => header.Value)
            .ToArray();

    /// <summary>Receives one whole text message.</summary>
    public static async Task<string> ReceiveTextAsync(WebSocket socket)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        using var message = new MemoryStream();
        byte[] buffer = new byte[16 * 1024];
        while (true)
        {
            ValueWebSocketReceiveResult result = await socket.ReceiveAsync(buffer.AsMemory(), timeout.Token);
            if (result.MessageType != WebSocketMessageType.Text)
            {
                throw new InvalidDataException($"Expected a text message, received {result.MessageType}.");
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return Encoding.UTF8.GetString(message.ToArray());
            }
        }
    }

    /// <summary>An HTTP/1.1 request head with <c>Host</c> = the proxy's public authority and the given extra field lines.</summary>
    public static string RequestHead(ReverseProxy proxy, string method, string target, params string[] fields)
    {
        var head = new StringBuilder($"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{proxy.Port}\r\n");
        foreach (string field in fields)
        {
            head.Append(field).Append("\r\n");
        }

        return head.Append("\r\n").ToString();
    }

    /// <summary>An <see cref="HttpClient"/> with no proxy of its own, so requests go straight to the proxy under test.</summary>
    public static System.Net.Http.HttpClient Http() => new(new System.Net.Http.SocketsHttpHandler { UseProxy = false }) { Timeout = Timeout };
}
