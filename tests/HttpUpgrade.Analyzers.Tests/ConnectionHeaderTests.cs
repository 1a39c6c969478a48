using System.Threading.Tasks;
using Xunit;
using V = HttpUpgrade.Analyzers.Tests.Infrastructure.Verify<HttpUpgrade.Analyzers.ConnectionHeaderAnalyzer>;

namespace HttpUpgrade.Analyzers.Tests;

/// <summary>UPG008: connection-specific headers on an HTTP/2 or HTTP/3 message (RFC 9113 §8.2.2, RFC 9114 §4.2).</summary>
public sealed class ConnectionHeaderTests
{
    private const string RemoveIt = "remove it, or send the message over HTTP/1.1";

    private static string Client(string body) => $$"""
        using System.Net;
        using System.Net.Http;

        public static class Client
        {
            public static Task<HttpResponseMessage> SendAsync(HttpClient client)
            {
                {{body}}
            }
        }
        """;

    [Theory]
    [InlineData("HttpVersion.Version20", "Upgrade", "2")]
    [InlineData("HttpVersion.Version30", "Connection", "2")]
    [InlineData("new Version(2, 0)", "Keep-Alive", "2")]
    [InlineData("new Version(3, 0)", "proxy-connection", "3")]
    [InlineData("HttpVersion.Version20", "TRANSFER-ENCODING", "2")]
    public Task Rfc9113Section8_2_2_ConnectionHeaderOnHttp2Request_ReportsUPG008(string version, string header, string major)
    {
        string canonical = header.ToUpperInvariant() switch
        {
            "PROXY-CONNECTION" => "Proxy-Connection",
            "TRANSFER-ENCODING" => "Transfer-Encoding",
            _ => header,
        };
        string shownMajor = version.Contains("30", System.StringComparison.Ordinal) || version.Contains("(3", System.StringComparison.Ordinal) ? "3" : major;
        return V.AnalyzerAsync(
            Client($$"""
                var request = new HttpRequestMessage(HttpMethod.Get, "http://localhost/") { Version = {{version}} };
                request.Headers.Add({|#0:"{{header}}"|}, "websocket");
                return client.SendAsync(request);
                """),
            V.Diagnostic("UPG008").WithLocation(0).WithArguments($"Header '{canonical}'", shownMajor, RemoveIt));
    }

    [Fact]
    public Task TypedHeaderCollections_OnHttp2Request_ReportUPG008() => V.AnalyzerAsync(
        Client("""
            var request = new HttpRequestMessage(HttpMethod.Get, "http://localhost/");
            request.Version = HttpVersion.Version20;
            {|#0:request.Headers.Connection.Add("Upgrade")|};
            {|#1:request.Headers.Upgrade.Add(new System.Net.Http.Headers.ProductHeaderValue("websocket"))|};
            {|#2:request.Headers.ConnectionClose|} = true;
            {|#3:request.Headers.TransferEncodingChunked|} = true;
            request.Headers.TryAddWithoutValidation({|#4:"Upgrade"|}, "websocket");
            return client.SendAsync(request);
            """),
        V.Diagnostic("UPG008").WithLocation(0).WithArguments("Header 'Connection'", "2", RemoveIt),
        V.Diagnostic("UPG008").WithLocation(1).WithArguments("Header 'Upgrade'", "2", RemoveIt),
        V.Diagnostic("UPG008").WithLocation(2).WithArguments("Header 'Connection'", "2", RemoveIt),
        V.Diagnostic("UPG008").WithLocation(3).WithArguments("Header 'Transfer-Encoding'", "2", RemoveIt),
        V.Diagnostic("UPG008").WithLocation(4).WithArguments("Header 'Upgrade'", "2", RemoveIt));

    [Fact]
    public Task HeadersInTheObjectInitializer_OfAnHttp2Request_ReportUPG008() => V.AnalyzerAsync(
        Client("""
            return client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://localhost/")
            {
                Version = HttpVersion.Version20,
                Headers = { { {|#0:"Upgrade"|}, "websocket" } },
            });
            """),
        V.Diagnostic("UPG008").WithLocation(0).WithArguments("Header 'Upgrade'", "2", RemoveIt));

    [Fact]
    public Task DefaultRequestHeaders_OfAnHttp2Client_ReportUPG008() => V.AnalyzerAsync(
        Client("""
            var http2 = new HttpClient { DefaultRequestVersion = HttpVersion.Version30 };
            {|#0:http2.DefaultRequestHeaders.Upgrade.ParseAdd("websocket")|};
            return http2.GetAsync("http://localhost/");
            """),
        V.Diagnostic("UPG008").WithLocation(0).WithArguments("Header 'Upgrade'", "3", RemoveIt));

    [Fact]
    public Task Http2Response_WithConnectionHeader_ReportsUPG008() => V.AnalyzerAsync(
        Client("""
            var response = new HttpResponseMessage(HttpStatusCode.SwitchingProtocols) { Version = HttpVersion.Version20 };
            response.Headers.Add({|#0:"Connection"|}, "upgrade");
            return Task.FromResult(response);
            """),
        V.Diagnostic("UPG008").WithLocation(0).WithArguments("Header 'Connection'", "2", RemoveIt));

    [Theory]
    [InlineData("request.Version = HttpVersion.Version11;")]
    [InlineData("")]
    [InlineData("request.Version = client.DefaultRequestVersion;")]
    [InlineData("request.Version = HttpVersion.Version20; request.Version = HttpVersion.Version11;")]
    public Task ConnectionHeader_OnHttp11OrUnknownVersion_ReportsNothing(string setVersion) => V.AnalyzerAsync(
        Client($$"""
            var request = new HttpRequestMessage(HttpMethod.Get, "http://localhost/");
            {{setVersion}}
            request.Headers.Add("Upgrade", "websocket");
            request.Headers.Connection.Add("Upgrade");
            return client.SendAsync(request);
            """));

    [Fact]
    public Task OtherHeaders_OnHttp2Request_ReportNothing() => V.AnalyzerAsync(
        Client("""
            var request = new HttpRequestMessage(HttpMethod.Get, "http://localhost/") { Version = HttpVersion.Version20 };
            request.Headers.Add("Accept", "text/plain");
            request.Headers.TryAddWithoutValidation("TE", "trailers");
            request.Headers.ConnectionClose = false;
            request.Headers.TransferEncodingChunked = null;
            var other = new HttpRequestMessage();
            other.Headers.Add("Upgrade", "websocket");
            return client.SendAsync(request);
            """));
}
