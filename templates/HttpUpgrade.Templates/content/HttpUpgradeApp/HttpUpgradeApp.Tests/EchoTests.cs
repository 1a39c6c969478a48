using System.Net.Sockets;
using System.Text;

namespace HttpUpgradeApp.Tests;

/// <summary>The custom token echo/1, over a raw TCP socket: after the 101 the connection is the handler's byte stream.</summary>
public sealed class EchoTests(AppFixture app) : IClassFixture<AppFixture>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AnEcho1UpgradeSwitchesProtocolsAndSendsEveryByteBack()
    {
        using var timeout = new CancellationTokenSource(s_timeout);
        using var client = new TcpClient();
        await client.ConnectAsync(app.Address.Host, app.Address.Port, timeout.Token);
        NetworkStream stream = client.GetStream();

        // Bytes right after the request head already belong to the new protocol (RFC 9110 §7.8).
        string request = $"GET /chat HTTP/1.1\r\nHost: {app.Address.Authority}\r\nConnection: Upgrade\r\nUpgrade: echo/1\r\n\r\nfirst";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), timeout.Token);

        string received = await ReadUntilAsync(stream, text => text.Contains("\r\n\r\n", StringComparison.Ordinal) && text.EndsWith("first", StringComparison.Ordinal), timeout.Token);
        int end = received.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        string head = received[..end];
        Assert.StartsWith("HTTP/1.1 101 Switching Protocols\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nUpgrade: echo/1", head, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("first", received[(end + 4)..]);

        // The stream stays open both ways: what is sent later comes back too.
        await stream.WriteAsync(Encoding.ASCII.GetBytes("second"), timeout.Token);
        Assert.Equal("second", await ReadUntilAsync(stream, text => text.Length >= "second".Length, timeout.Token));
    }

    private static async Task<string> ReadUntilAsync(NetworkStream stream, Func<string, bool> complete, CancellationToken cancellationToken)
    {
        var received = new StringBuilder();
        var buffer = new byte[4096];
        while (!complete(received.ToString()))
        {
            int read = await stream.ReadAsync(buffer, cancellationToken);
            Assert.True(read > 0, $"The connection closed after: {received}");
            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return received.ToString();
    }
}
