using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace HttpUpgrade.Deployment.Tests;

/// <summary>
/// The WebSocket same-origin default (RFC 6455 §10.2) behind a proxy. A page served through the proxy sends
/// <c>Origin: http://proxy-host:port</c>; the backend compares it with the request's scheme and <c>Host</c>, which are
/// the proxy's view of the backend unless <c>UseForwardedHeaders</c> puts the public ones back from X-Forwarded-Proto and
/// X-Forwarded-Host.
/// </summary>
[Collection(DeploymentCollection.Name)]
public sealed class ForwardedHeadersTests(DeploymentFixture deployment)
{
    [Theory]
    [InlineData("nginx", true, 101)]
    [InlineData("haproxy", true, 101)]
    [InlineData("yarp", true, 101)]

    // nginx sends Host: $proxy_host (the upstream's name, "sample") by default; YARP sends the destination's host and
    // port. The backend then sees another origin than the page's and refuses the handshake.
    [InlineData("nginx", false, 403)]
    [InlineData("yarp", false, 403)]

    // HAProxy passes Host on as the client sent it, so on a plain-HTTP proxy the page's origin matches even without
    // forwarded headers; where it terminates TLS the scheme still differs (next test).
    [InlineData("haproxy", false, 101)]
    public async Task PageServedThroughTheProxy_OpensItsWebSocket_WhenTheBackendReadsForwardedHeaders(string proxyName, bool forwardedHeaders, int expected)
    {
        ReverseProxy proxy = forwardedHeaders ? deployment.Proxy(proxyName) : deployment.ProxyToPlainBackend(proxyName);
        using ClientWebSocket client = Clients.WebSocket("chat.v2");
        client.Options.SetRequestHeader("Origin", proxy.PublicOrigin);

        Assert.Equal(expected, await Clients.ConnectAsync(client, proxy.WebSocketUri("/chat")));
    }

    [Theory]
    [InlineData("nginx", true, 101)]
    [InlineData("haproxy", true, 101)]
    [InlineData("yarp", true, 101)]

    // The page is https, the request the backend sees is http: without X-Forwarded-Proto read, no proxy's page matches.
    [InlineData("nginx", false, 403)]
    [InlineData("haproxy", false, 403)]
    [InlineData("yarp", false, 403)]
    public async Task PageServedOverTheProxysTls_OpensItsWebSocket_WhenTheBackendReadsForwardedHeaders(string proxyName, bool forwardedHeaders, int expected)
    {
        ReverseProxy proxy = forwardedHeaders ? deployment.Proxy(proxyName) : deployment.ProxyToPlainBackend(proxyName);
        using ClientWebSocket client = Clients.WebSocket("chat.v2");
        string expectedCertificate = deployment.Certificate.Certificate.Thumbprint;
        client.Options.RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is X509Certificate2 { Thumbprint: var thumbprint } && thumbprint == expectedCertificate;
        client.Options.SetRequestHeader("Origin", proxy.PublicTlsOrigin);

        Assert.Equal(expected, await Clients.ConnectAsync(client, proxy.SecureWebSocketUri("/chat")));
        if (expected == 101)
        {
            using var timeout = new CancellationTokenSource(Clients.Timeout);
            await client.SendAsync(Encoding.UTF8.GetBytes("over TLS to " + proxyName), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
            Assert.Equal("over TLS to " + proxyName, await Clients.ReceiveTextAsync(client));
        }
    }

    [Theory]
    [InlineData("nginx", false, "sample")]     // nginx's default: proxy_set_header Host $proxy_host, the upstream's name
    [InlineData("haproxy", false, "public")]   // HAProxy passes Host on unchanged
    [InlineData("yarp", false, "backend")]     // YARP's default: the destination's host and port
    [InlineData("nginx", true, "public")]
    [InlineData("haproxy", true, "public")]
    [InlineData("yarp", true, "public")]
    public async Task HostTheBackendSees_IsThePublicOne_OnlyWithForwardedHeaders(string proxyName, bool forwardedHeaders, string expected)
    {
        ReverseProxy proxy = forwardedHeaders ? deployment.Proxy(proxyName) : deployment.ProxyToPlainBackend(proxyName);
        string host = expected switch
        {
            "public" => $"127.0.0.1:{proxy.Port}",
            "backend" => deployment.PlainBackend.Address,
            _ => expected,
        };
        using System.Net.Http.HttpClient http = Clients.Http();

        // The sample's /about prints the WebSocket URL built from Request.Host, the same Host the origin check reads.
        string about = await http.GetStringAsync(proxy.HttpUri("/about"));

        Assert.Contains($"ws://{host}/chat", about, System.StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(DeploymentFixture.Proxies), MemberType = typeof(DeploymentFixture))]
    public async Task ForeignPage_IsRefused_EvenWhenItSendsItsOwnForwardedHeaders(string proxyName)
    {
        // Each proxy replaces X-Forwarded-Host/Proto with what it saw, so a client cannot make its origin the "public" one.
        ReverseProxy proxy = deployment.Proxy(proxyName);
        using ClientWebSocket client = Clients.WebSocket("chat.v2");
        client.Options.SetRequestHeader("Origin", "https://attacker.example");
        client.Options.SetRequestHeader("X-Forwarded-Host", "attacker.example");
        client.Options.SetRequestHeader("X-Forwarded-Proto", "https");

        Assert.Equal(403, await Clients.ConnectAsync(client, proxy.WebSocketUri("/chat")));
    }

    [Fact]
    public async Task ClientOnATrustedNetwork_ReachingTheBackendDirectly_ChoosesItsOwnOrigin()
    {
        // The backend trusts forwarded headers from any loopback address (KnownIPNetworks 127.0.0.0/8). A client that
        // gets there without the proxy is trusted too: the backend must listen only where the proxy alone reaches it.
        using ClientWebSocket client = Clients.WebSocket("chat.v2");
        client.Options.SetRequestHeader("Origin", "https://attacker.example");
        client.Options.SetRequestHeader("X-Forwarded-Host", "attacker.example");
        client.Options.SetRequestHeader("X-Forwarded-Proto", "https");

        Assert.Equal(101, await Clients.ConnectAsync(client, new System.Uri($"ws://{deployment.Backend.Address}/chat")));
    }
}
