using System;
using System.Linq;
using System.Net.Security;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using HttpUpgrade.AspNetCore.Tests;
using Xunit;

namespace HttpUpgrade.Deployment.Tests;

/// <summary>
/// What each proxy does with the upgrades that switch the whole connection: h2c (RFC 7540 §3.2) and TLS (RFC 2817).
/// The sample accepts both (UseH2cUpgrade, UseTlsUpgrade), so whatever a proxy forwards, the backend switches.
/// A proxy must not forward h2c: after the 101 it relays an HTTP/2 connection it does not parse, and every request on it
/// reaches the backend past the proxy's own rules ("h2c smuggling"). The recommended configurations pass on only the
/// tokens the backend serves to clients; the "-any-upgrade" ones show what happens otherwise.
/// </summary>
[Collection(DeploymentCollection.Name)]
public sealed class ConnectionUpgradeTests(DeploymentFixture deployment)
{
    private const string H2cSettings = "AAMAAABkAAQAAP__";   // SETTINGS_MAX_CONCURRENT_STREAMS 100, SETTINGS_INITIAL_WINDOW_SIZE 65535

    [Theory]
    [InlineData("nginx", 200)]
    [InlineData("haproxy", 200)]
    [InlineData("yarp", 200)]
    [InlineData("yarp-custom-upgrade", 200)]
    [InlineData("nginx-any-upgrade", 101)]
    [InlineData("haproxy-any-upgrade", 101)]
    public async Task H2cUpgrade_IsForwardedOnlyByTheAnyUpgradeConfigurations(string configuration, int expected)
    {
        ReverseProxy proxy = deployment.Proxy(configuration);
        await using RawConnection connection = await RawConnection.OpenAsync(proxy.Port);
        await connection.SendAsync(Clients.RequestHead(
            proxy, "GET", "/",
            "Connection: Upgrade, HTTP2-Settings",
            "Upgrade: h2c",
            "HTTP2-Settings: " + H2cSettings));

        RawResponseHead head = await connection.ReadHeadAsync();
        Assert.True(head.StatusCode == expected, head.Text);
        if (expected == 200)
        {
            // The upgrade was dropped on the way: the backend served the request as HTTP/1.1 (RFC 9110 §7.8 lets it ignore Upgrade).
            Assert.Empty(head.Values("Upgrade"));
            Assert.Contains("<title>HttpUpgrade chat</title>", await connection.ReadBodyAsync(head), StringComparison.Ordinal);
            return;
        }

        // The backend switched, and the proxy now relays HTTP/2: after the client's preface (RFC 9113 §3.4) the
        // backend's SETTINGS frame comes back through it.
        Assert.Equal("h2c", Assert.Single(head.Values("Upgrade")), ignoreCase: true);
        await connection.SendAsync(Encoding.ASCII.GetBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").Concat(new byte[] { 0, 0, 0, 4, 0, 0, 0, 0, 0 }).ToArray());
        byte[] frameHeader = await connection.ReadExactlyAsync(9);
        Assert.Equal(0x4, frameHeader[3]);                                     // SETTINGS (RFC 9113 §6.5)
        Assert.Equal(0, frameHeader[4] & 0x1);                                 // not an ACK: the server's own settings
        Assert.Equal(new byte[] { 0, 0, 0, 0 }, frameHeader.AsSpan(5, 4).ToArray());   // stream 0
    }

    /// <summary>Ways to hide h2c from an allow-list that looks at the first token or at one field line only.</summary>
    public static TheoryData<string, string> HiddenH2cOffers()
    {
        var data = new TheoryData<string, string>();
        foreach (string proxy in new[] { "nginx", "haproxy", "yarp", "yarp-custom-upgrade" })
        {
            data.Add(proxy, "Upgrade: websocket, h2c");
            data.Add(proxy, "Upgrade: H2C");
            data.Add(proxy, "Upgrade: websocket\r\nUpgrade: h2c");
            data.Add(proxy, "Upgrade: echo/1\r\nUpgrade: h2c");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(HiddenH2cOffers))]
    public async Task H2cHiddenInAListOrASecondFieldLine_IsNotForwardedEither(string configuration, string upgrade)
    {
        ReverseProxy proxy = deployment.Proxy(configuration);
        await using RawConnection connection = await RawConnection.OpenAsync(proxy.Port);
        await connection.SendAsync(Clients.RequestHead(
            proxy, "GET", "/",
            "Connection: Upgrade, HTTP2-Settings",
            upgrade,
            "HTTP2-Settings: " + H2cSettings));

        // Whatever reaches the backend, it is not an h2c offer: "/" is no upgrade endpoint, so it serves the page.
        // HAProxy refuses "websocket, h2c" itself (400): it checks a WebSocket handshake, which has no key here.
        RawResponseHead head = await connection.ReadHeadAsync();
        bool refusedByHaproxy = configuration == "haproxy" && upgrade == "Upgrade: websocket, h2c";
        Assert.True(head.StatusCode == (refusedByHaproxy ? 400 : 200), head.Text);
        Assert.Empty(head.Values("Upgrade"));
        Assert.Contains(refusedByHaproxy ? "<h1>400 Bad request</h1>" : "<title>HttpUpgrade chat</title>", await connection.ReadBodyAsync(head), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nginx-any-upgrade")]
    [InlineData("haproxy-any-upgrade")]
    public async Task ProxyThatForwardsH2c_LetsEveryLaterRequestPastItsRules(string configuration)
    {
        ReverseProxy proxy = deployment.Proxy(configuration);
        using (System.Net.Http.HttpClient http = Clients.Http())
        {
            // The proxy's rule: /about is refused over HTTP/1.1.
            using System.Net.Http.HttpResponseMessage refused = await http.GetAsync(proxy.HttpUri("/about"));
            Assert.Equal(System.Net.HttpStatusCode.Forbidden, refused.StatusCode);
        }

        // nghttp upgrades with its first request, then sends the second on the same HTTP/2 connection: the backend answers it.
        ExternalProcess.Result result = await ExternalProcess.RunAsync(
            "nghttp", ["-u", proxy.HttpUri("/").ToString(), proxy.HttpUri("/about").ToString()], Clients.Timeout);

        Assert.True(result.ExitCode == 0, $"nghttp exited with {result.ExitCode}: {result.StandardError}{result.StandardOutput}");
        Assert.Contains("HttpUpgrade sample. /chat is upgrade-only", result.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(DeploymentFixture.Proxies), MemberType = typeof(DeploymentFixture))]
    public async Task RecommendedProxy_LeavesNghttpNoH2cConnection(string proxyName)
    {
        ReverseProxy proxy = deployment.Proxy(proxyName);

        ExternalProcess.Result result = await ExternalProcess.RunAsync(
            "nghttp", ["-u", proxy.HttpUri("/about").ToString()], Clients.Timeout);

        Assert.Contains("HTTP Upgrade failed", result.StandardOutput + result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("HttpUpgrade sample.", result.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nginx", 200)]
    [InlineData("haproxy", 200)]
    [InlineData("yarp", 200)]
    [InlineData("yarp-custom-upgrade", 200)]
    [InlineData("nginx-any-upgrade", 101)]
    [InlineData("haproxy-any-upgrade", 101)]
    public async Task TlsUpgrade_IsForwardedOnlyByTheAnyUpgradeConfigurations(string configuration, int expected)
    {
        ReverseProxy proxy = deployment.Proxy(configuration);
        await using RawConnection connection = await RawConnection.OpenAsync(proxy.Port);
        await connection.SendAsync(Clients.RequestHead(proxy, "GET", "/", "Connection: Upgrade", "Upgrade: TLS/1.2"));

        RawResponseHead head = await connection.ReadHeadAsync();
        Assert.True(head.StatusCode == expected, head.Text);
        if (expected == 200)
        {
            Assert.Empty(head.Values("Upgrade"));
            Assert.Contains("<title>HttpUpgrade chat</title>", await connection.ReadBodyAsync(head), StringComparison.Ordinal);
            return;
        }

        // RFC 2817 §3.3: TLS starts on the same connection and the original request is answered inside it. The
        // handshake runs with the backend, through the proxy, which from here on relays bytes it cannot read.
        Assert.Equal("TLS/1.2, HTTP/1.1", string.Join(", ", head.Values("Upgrade")), ignoreCase: true);
        using var tls = new SslStream(connection.TakeStream(), leaveInnerStreamOpen: true, (_, _, _, _) => true);
        using var timeout = new CancellationTokenSource(Clients.Timeout);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }, timeout.Token);
        Assert.Contains("CN=localhost", tls.RemoteCertificate!.Subject, StringComparison.Ordinal);

        byte[] buffer = new byte[4096];
        int read = await tls.ReadAtLeastAsync(buffer, 16, throwOnEndOfStream: false, timeout.Token);
        Assert.StartsWith("HTTP/1.1 200 ", Encoding.ASCII.GetString(buffer, 0, read), StringComparison.Ordinal);
    }
}
