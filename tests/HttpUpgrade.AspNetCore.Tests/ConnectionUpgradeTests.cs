using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Threading.Tasks;
using HttpUpgrade.Testing;
using Xunit;

namespace HttpUpgrade.AspNetCore.Tests;

/// <summary>
/// TLS (RFC 2817) and h2c (RFC 7540 §3.2) on Kestrel with clients no one here wrote: curl, nghttp, Python's ssl module,
/// .NET's SslStream and HttpClient. After the 101 Kestrel's own engines serve the connection.
/// </summary>
public sealed class ConnectionUpgradeTests(ConnectionUpgradeFixture server) : IClassFixture<ConnectionUpgradeFixture>
{
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task CurlHttp2_UpgradesToH2c_AndTheRequestIsAnsweredOnStream1()
    {
        ExternalProcess.Result result = await ExternalProcess.RunAsync("curl", ["-sS", "--http2", "-w", "\nversion=%{http_version}\nlocal=%{local_port}\n", Url("/who")], ClientTimeout);

        Assert.True(result.ExitCode == 0, result.StandardError);
        Dictionary<string, string> seen = Parse(result.StandardOutput);
        Assert.Equal("2", seen["version"]);
        Assert.Equal("HTTP/2", seen["protocol"]);
        Assert.Equal("False", seen["https"]);

        // The re-entered connection carries the client's real address, not a placeholder.
        Assert.Equal("127.0.0.1:" + seen["local"], seen["remote"]);
    }

    [Fact]
    public async Task CurlHttp2PriorKnowledge_IsServedAsHttp2()
    {
        ExternalProcess.Result result = await ExternalProcess.RunAsync("curl", ["-sS", "--http2-prior-knowledge", "-w", "version=%{http_version}\n", Url("/who")], ClientTimeout);

        Assert.True(result.ExitCode == 0, result.StandardError);
        Dictionary<string, string> seen = Parse(result.StandardOutput);
        Assert.Equal("2", seen["version"]);
        Assert.Equal("HTTP/2", seen["protocol"]);
    }

    [Fact]
    public async Task CurlHttp2PriorKnowledge_OnAListenerThatDidNotOptIn_IsNotHttp2()
    {
        ExternalProcess.Result result = await ExternalProcess.RunAsync("curl", ["-sS", "--http2-prior-knowledge", "--max-time", "5", $"http://127.0.0.1:{server.PlainPort}/who"], ClientTimeout);

        Assert.NotEqual(0, result.ExitCode);
    }

    [Fact]
    public async Task NghttpUpgrade_GetsTheAnswerOverHttp2()
    {
        ExternalProcess.Result result = await ExternalProcess.RunAsync("nghttp", ["-u", "-v", Url("/who")], ClientTimeout);

        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
        Assert.Contains("HTTP Upgrade success", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("(stream_id=1) :status: 200", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("protocol=HTTP/2", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpClientWithPriorKnowledge_SpeaksHttp2InClear()
    {
        using var client = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };

        using HttpResponseMessage response = await client.GetAsync(Url("/who"));

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal("HTTP/2", Parse(await response.Content.ReadAsStringAsync())["protocol"]);
    }

    [Theory]
    [InlineData("RFC 7540 §3.2.1: no HTTP2-Settings", "Connection: Upgrade\r\nUpgrade: h2c\r\n")]
    [InlineData("RFC 7540 §3.2.1: two HTTP2-Settings", "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABk\r\nHTTP2-Settings: AAMAAABk\r\n")]
    [InlineData("RFC 7540 §3.2.1: settings that do not decode", "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: A*MAAABk\r\n")]
    [InlineData("RFC 7540 §3.3: h2 is never an Upgrade token", "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2\r\nHTTP2-Settings: AAMAAABk\r\n")]
    public async Task H2cThatCannotSwitch_IsServedAsHttp11_AndTheConnectionStaysUsable(string rule, string fields)
    {
        await using RawConnection connection = await RawConnection.OpenAsync(server.Port);
        await connection.SendAsync($"GET /who HTTP/1.1\r\nHost: 127.0.0.1\r\n{fields}\r\n");
        RawResponseHead head = await connection.ReadHeadAsync();
        Assert.True(head.StatusCode == 200, $"{rule}: {head}");
        Assert.Equal("HTTP/1.1", Parse(await connection.ReadBodyAsync(head))["protocol"]);

        await connection.SendAsync("GET /who HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        Assert.Equal(200, (await connection.ReadHeadAsync()).StatusCode);
    }

    [Fact]
    public async Task H2cWithContent_IsServedAsHttp11_AndTheContentNeverReachesHttp2()
    {
        await using RawConnection connection = await RawConnection.OpenAsync(server.Port);

        // The body is the HTTP/2 preface: were it read as the new protocol, the server would answer in HTTP/2.
        await connection.SendAsync(
            "POST /who HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABk\r\nContent-Length: 24\r\n\r\n",
            Encoding.ASCII.GetBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
        RawResponseHead head = await connection.ReadHeadAsync();

        Assert.Equal("HTTP/1.1", head.HttpVersion);
        Assert.NotEqual(101, head.StatusCode);
    }

    [Fact]
    public async Task H2cOnAListenerThatDidNotOptIn_IsServedAsHttp11()
    {
        ExternalProcess.Result result = await ExternalProcess.RunAsync("curl", ["-sS", "--http2", "-w", "version=%{http_version}\n", $"http://127.0.0.1:{server.PlainPort}/who"], ClientTimeout);

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal("1.1", Parse(result.StandardOutput)["version"]);
    }

    [Theory]
    [InlineData("RFC 2817 §3.2: OPTIONS * asks for the upgrade alone, and is answered 200 over TLS", "*", "OPTIONS", "")]
    [InlineData("RFC 2817 §3.3: the original request is answered over TLS", "/who", "GET", "")]
    [InlineData("RFC 2817 §3.3: a ClientHello right behind the request head belongs to TLS", "/who", "GET", "pipelined")]
    public async Task PythonSsl_UpgradesToTls_AndGetsTheAnswerOverTls(string rule, string target, string method, string mode)
    {
        string script = Path.Combine(RepositoryPaths.Root, "tests", "HttpUpgrade.AspNetCore.Tests", "Scripts", "tls_upgrade.py");
        string[] arguments = mode.Length == 0
            ? [script, server.Port.ToString(CultureInfo.InvariantCulture), target, method]
            : [script, server.Port.ToString(CultureInfo.InvariantCulture), target, method, mode];

        ExternalProcess.Result result = await ExternalProcess.RunAsync("python3", arguments, ClientTimeout);

        string[] lines = result.StandardOutput.Split('\n', StringSplitOptions.TrimEntries);
        Assert.True(result.ExitCode == 0, $"{rule}: {result.StandardOutput}{result.StandardError}");
        Assert.Equal("HTTP/1.1 101 Switching Protocols", lines[0]);
        Assert.Equal("Upgrade: TLS/1.2, HTTP/1.1", lines[1]);
        Assert.StartsWith("TLSv1.", lines[2], StringComparison.Ordinal);
        Assert.Equal("HTTP/1.1 200 OK", lines[3]);
    }

    [Fact]
    public async Task SslStream_UpgradesToTls_ThenTheConnectionIsHttp11OverTls()
    {
        await using RawConnection connection = await RawConnection.OpenAsync(server.Port);
        await connection.SendAsync("GET /who HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: TLS/1.3, TLS/1.2\r\n\r\n");
        RawResponseHead switched = await connection.ReadHeadAsync();
        Assert.Equal(101, switched.StatusCode);
        Assert.Equal(["TLS/1.3, HTTP/1.1"], switched.Values("Upgrade"));
        Assert.Equal(["Upgrade"], switched.Values("Connection"));

        await using var tls = new SslStream(connection.TakeStream(), leaveInnerStreamOpen: false, static (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" });

        // The original request, answered over TLS: Kestrel's HTTP/1.1 engine behind Kestrel's own TLS.
        string first = await ReadResponseAsync(tls);
        Dictionary<string, string> seen = Parse(first);
        Assert.StartsWith("HTTP/1.1 200", first, StringComparison.Ordinal);
        Assert.Equal("True", seen["https"]);
        Assert.Equal(tls.SslProtocol.ToString(), seen["tls"]);
        Assert.Equal("", seen["upgrade"]);

        // Later requests on the connection are HTTP/1.1 over TLS, and a TLS-only endpoint lets them in.
        await tls.WriteAsync(Encoding.ASCII.GetBytes("GET /account HTTP/1.1\r\nHost: localhost\r\n\r\n"));
        Assert.StartsWith("HTTP/1.1 200", await ReadResponseAsync(tls), StringComparison.Ordinal);
    }

    [Fact]
    public async Task JunkInsteadOfAClientHello_ClosesTheConnection_AndNothingIsServedInClear()
    {
        await using RawConnection connection = await RawConnection.OpenAsync(server.Port);
        await connection.SendAsync("GET /who HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: TLS/1.2\r\n\r\n");
        Assert.Equal(101, (await connection.ReadHeadAsync()).StatusCode);

        await connection.SendAsync(Encoding.ASCII.GetBytes("GET /who HTTP/1.1\r\nHost: localhost\r\n\r\n"));

        byte[] rest;
        try
        {
            rest = await connection.ReadToEndAsync();
        }
        catch (IOException)
        {
            rest = [];
        }

        Assert.DoesNotContain("HTTP/1.1", Encoding.ASCII.GetString(rest), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequireTlsUpgrade_AnswersPlainRequests426NamingTls()
    {
        await using RawConnection connection = await RawConnection.OpenAsync(server.Port);
        await connection.SendAsync("GET /account HTTP/1.1\r\nHost: localhost\r\n\r\n");
        RawResponseHead head = await connection.ReadHeadAsync();

        Assert.Equal(426, head.StatusCode);
        Assert.Equal(["TLS/1.2, HTTP/1.1"], head.Values("Upgrade"));
        Assert.Equal(["Upgrade"], head.Values("Connection"));
        Assert.Equal(["text/plain; charset=utf-8"], head.Values("Content-Type"));
        Assert.NotEmpty(await connection.ReadBodyAsync(head));
    }

    [Fact]
    public async Task AnUnknownTlsVersion_IsNoUpgrade_AndThePipelinedBytesStayHttp()
    {
        await using RawConnection connection = await RawConnection.OpenAsync(server.Port);
        await connection.SendAsync(
            "GET /who HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: TLS/2.0\r\n\r\nGET /who HTTP/1.1\r\nHost: localhost\r\n\r\n");

        RawResponseHead first = await connection.ReadHeadAsync();
        Assert.Equal(200, first.StatusCode);
        Assert.Equal("False", Parse(await connection.ReadBodyAsync(first))["https"]);
    }

    [Fact]
    public async Task WebSocket_StillUpgradesOnAListenerWithConnectionUpgrades()
    {
        using var client = new System.Net.WebSockets.ClientWebSocket();
        client.Options.AddSubProtocol("chat.v1");
        await client.ConnectAsync(new Uri($"ws://127.0.0.1:{server.Port}/ws"), default);

        Assert.Equal("chat.v1", client.SubProtocol);
        await client.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, null, default);
    }

    private static bool IsComplete(string response)
    {
        int end = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return false;
        }

        string? length = response[..end].Split("\r\n").FirstOrDefault(line => line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        return length is null || response.Length - end - 4 >= int.Parse(length["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task WebSocketOverPriorKnowledgeHttp2_ReachesTheSameHandlers_Rfc8441()
    {
        using var client = new System.Net.WebSockets.ClientWebSocket();
        client.Options.HttpVersion = HttpVersion.Version20;
        client.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        client.Options.AddSubProtocol("chat.v1");
        using var invoker = new HttpMessageInvoker(new SocketsHttpHandler(), disposeHandler: true);

        await client.ConnectAsync(new Uri($"ws://127.0.0.1:{server.Port}/ws"), invoker, default);

        Assert.Equal("chat.v1", client.SubProtocol);
        byte[] message = Encoding.UTF8.GetBytes("over h2");
        await client.SendAsync(message, System.Net.WebSockets.WebSocketMessageType.Text, true, default);
        byte[] buffer = new byte[64];
        System.Net.WebSockets.WebSocketReceiveResult echoed = await client.ReceiveAsync(buffer, default);
        Assert.Equal("over h2", Encoding.UTF8.GetString(buffer, 0, echoed.Count));
        await client.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, null, default);
    }

    private string Url(string path) => $"http://127.0.0.1:{server.Port}{path}";

    private static Dictionary<string, string> Parse(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in text.Split('\n', StringSplitOptions.TrimEntries))
        {
            int equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && !line.Contains(' ', StringComparison.Ordinal))
            {
                values[line[..equals]] = line[(equals + 1)..];
            }
        }

        return values;
    }

    private static async Task<string> ReadResponseAsync(Stream stream)
    {
        // Responses here are small and carry Content-Length; read the head, then that many bytes.
        var text = new StringBuilder();
        byte[] buffer = new byte[4096];
        while (!IsComplete(text.ToString()))
        {
            int read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                break;
            }

            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return text.ToString();
    }
}
