using System;
using Xunit;

namespace HttpUpgrade.Tests;

/// <summary>RFC 6455 §10.2 and RFC 6454: which browser origins may open a WebSocket.</summary>
public sealed class OriginPolicyTests
{
    private static readonly UpgradeRegistration Plain = Registrations.Create("websocket", "13", handler: "PlainHandler");

    [Theory]
    [InlineData("RFC 6454 §5: same scheme, host and port", "http", "server.example.com", "http://server.example.com")]
    [InlineData("RFC 6454 §6.2: the default port may be written in Host", "http", "server.example.com:80", "http://server.example.com")]
    [InlineData("RFC 6454 §6.2: or in Origin", "http", "server.example.com", "http://server.example.com:80")]
    [InlineData("RFC 6454 §4: hosts compare case-insensitively", "http", "Server.Example.COM", "http://server.example.com")]
    [InlineData("RFC 6454 §4: schemes compare case-insensitively", "https", "server.example.com", "HTTPS://server.example.com")]
    [InlineData("RFC 6454 §5: an explicit port on both sides", "http", "127.0.0.1:5080", "http://127.0.0.1:5080")]
    [InlineData("RFC 6454 §5: https and its default port 443", "https", "server.example.com", "https://server.example.com:443")]
    [InlineData("RFC 3986 §3.2.2: an IPv6 literal", "http", "[::1]:5080", "http://[::1]:5080")]
    [InlineData("RFC 9110 §5.5: OWS around Origin is not part of it", "http", "server.example.com", " http://server.example.com\t")]
    public void SameOrigin_Matching_IsAccepted(string rule, string scheme, string host, string origin)
    {
        UpgradeDecision decision = Registrations.Negotiator(Plain).Negotiate(Request(scheme, host, origin));

        Expect.Decision(rule, decision, UpgradeOutcome.Accept, 101, UpgradeReason.None);
    }

    [Theory]
    [InlineData("RFC 6454 §5: another host", "http", "server.example.com", "http://evil.example")]
    [InlineData("RFC 6454 §5: a subdomain is another origin", "http", "server.example.com", "http://chat.server.example.com")]
    [InlineData("RFC 6454 §5: another port", "http", "server.example.com:8080", "http://server.example.com")]
    [InlineData("RFC 6454 §5: another scheme (an http page on an https server)", "https", "server.example.com", "http://server.example.com")]
    [InlineData("RFC 6454 §5: another scheme (an https page on an http server)", "http", "server.example.com", "https://server.example.com")]
    [InlineData("RFC 6454 §5: https:443 is not http:80", "http", "server.example.com:443", "https://server.example.com")]
    [InlineData("RFC 6454 §7.1: the opaque origin 'null' is never the same as any", "http", "server.example.com", "null")]
    [InlineData("RFC 6454 §6.2: a serialized origin has no path", "http", "server.example.com", "http://server.example.com/")]
    [InlineData("RFC 6454 §6.2: a serialized origin has no userinfo", "http", "server.example.com", "http://user@server.example.com")]
    [InlineData("RFC 6454 §7.1: a list of origins is not one origin", "http", "server.example.com", "http://server.example.com http://evil.example")]
    [InlineData("RFC 6454 §6.2: a scheme is required", "http", "server.example.com", "server.example.com")]
    [InlineData("RFC 6454 §6.2: a port is digits", "http", "server.example.com", "http://server.example.com:8o")]
    [InlineData("RFC 3986 §3.2.3: a port is digits only, not digits and trailing NULs", "http", "server.example.com:5080", "http://server.example.com:5080\0")]
    [InlineData("RFC 3986 §3.2.3: nor is the Host's port", "http", "server.example.com:5080\0", "http://server.example.com:5080")]
    [InlineData("RFC 6454 §6.2: a port fits in 16 bits", "http", "server.example.com:65616", "http://server.example.com:65616")]
    [InlineData("RFC 6454 §6.2: an empty host", "http", "server.example.com", "http://")]
    [InlineData("Fail closed: a prefix of the host is not the host", "http", "server.example.com", "http://server.example.co")]
    public void SameOrigin_Mismatch_IsRejected403(string rule, string scheme, string host, string origin)
    {
        foreach (UpgradeNegotiator negotiator in new[] { Registrations.Negotiator(Plain), Registrations.RequiringNegotiator(Plain) })
        {
            UpgradeDecision decision = negotiator.Negotiate(Request(scheme, host, origin));

            Expect.Decision(rule, decision, UpgradeOutcome.Reject, 403, UpgradeReason.OriginNotAllowed);
            Assert.Null(decision.Registration);
            Assert.False(decision.HasWebSocketAccept);
            Assert.Empty(decision.HandshakeFields());
        }
    }

    [Fact]
    public void SameOrigin_SeveralOriginFieldLines_AreRejected403()
    {
        TestRequest request = Request("http", "server.example.com", "http://server.example.com")
            .With(UpgradeRequestHeader.Origin, "http://server.example.com", "http://server.example.com");

        Expect.Decision("RFC 6454 §7.2: a user agent sends one Origin", Registrations.Negotiator(Plain).Negotiate(request), UpgradeOutcome.Reject, 403, UpgradeReason.OriginNotAllowed);
    }

    [Fact]
    public void SameOrigin_WithoutAReportedScheme_TakesHttp_SoAnHttpsPageIsRefused()
    {
        TestRequest http = TestRequest.WebSocket().With(UpgradeRequestHeader.Origin, "http://server.example.com");
        TestRequest https = TestRequest.WebSocket().With(UpgradeRequestHeader.Origin, "https://server.example.com");

        Expect.Decision("no scheme reported: http", Registrations.Negotiator(Plain).Negotiate(http), UpgradeOutcome.Accept, 101, UpgradeReason.None);
        Expect.Decision("no scheme reported: fails closed for https", Registrations.Negotiator(Plain).Negotiate(https), UpgradeOutcome.Reject, 403, UpgradeReason.OriginNotAllowed);
    }

    [Theory]
    [InlineData("RFC 6455 §10.2: a non-browser client sends no Origin", "SameOrigin")]
    [InlineData("RFC 6455 §10.2: a non-browser client sends no Origin", "AllowList")]
    public void NoOrigin_IsAllowedWhateverThePolicy(string rule, string mode)
    {
        var options = new UpgradeNegotiatorOptions();
        if (mode == "AllowList")
        {
            options.AllowSameOrigin = false;
            options.AllowedOrigins.Add("https://app.example.com");
        }

        var negotiator = new UpgradeNegotiator(new TestRegistry(Plain), options);

        Expect.Decision(rule, negotiator.Negotiate(TestRequest.WebSocket()), UpgradeOutcome.Accept, 101, UpgradeReason.None);
    }

    [Theory]
    [InlineData("listed", "https://app.example.com", true)]
    [InlineData("listed, default port written", "https://app.example.com:443", true)]
    [InlineData("listed, case differs", "HTTPS://APP.example.com", true)]
    [InlineData("second entry", "http://localhost:5080", true)]
    [InlineData("not listed: the request's own origin needs listing too", "http://server.example.com", false)]
    [InlineData("not listed: another port", "https://app.example.com:8443", false)]
    [InlineData("not listed: another scheme", "http://app.example.com", false)]
    [InlineData("not listed: null", "null", false)]
    public void AllowList_AdmitsExactlyTheListedOrigins(string rule, string origin, bool allowed)
    {
        var options = new UpgradeNegotiatorOptions { AllowSameOrigin = false, AllowedOrigins = { "https://app.example.com", "http://localhost:5080" } };
        UpgradeDecision decision = new UpgradeNegotiator(new TestRegistry(Plain), options).Negotiate(Request("http", "server.example.com", origin));

        if (allowed)
        {
            Expect.Decision(rule, decision, UpgradeOutcome.Accept, 101, UpgradeReason.None);
        }
        else
        {
            Expect.Decision(rule, decision, UpgradeOutcome.Reject, 403, UpgradeReason.OriginNotAllowed);
        }
    }

    [Theory]
    [InlineData("RFC 6455 §10.2: the request's own origin stays allowed", "http://server.example.com", true)]
    [InlineData("RFC 6455 §10.2: a listed origin is allowed besides", "https://app.example.com", true)]
    [InlineData("RFC 6455 §10.2: an origin neither listed nor the request's own is refused", "https://evil.example", false)]
    public void AllowedOrigins_AddToTheSameOriginDefault(string rule, string origin, bool allowed)
    {
        var options = new UpgradeNegotiatorOptions { AllowedOrigins = { "https://app.example.com" } };
        UpgradeDecision decision = new UpgradeNegotiator(new TestRegistry(Plain), options).Negotiate(Request("http", "server.example.com", origin));

        if (allowed)
        {
            Expect.Decision(rule, decision, UpgradeOutcome.Accept, 101, UpgradeReason.None);
        }
        else
        {
            Expect.Decision(rule, decision, UpgradeOutcome.Reject, 403, UpgradeReason.OriginNotAllowed);
        }
    }

    [Fact]
    public void NoOriginAllowedAtAll_IsAnErrorWhenTheNegotiatorIsBuilt()
    {
        var options = new UpgradeNegotiatorOptions { AllowSameOrigin = false };

        var exception = Assert.Throws<ArgumentException>(() => new UpgradeNegotiator(new TestRegistry(Plain), options));
        Assert.Contains("AllowedOrigins", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://evil.example")]
    [InlineData("null")]
    [InlineData("not an origin")]
    public void AnyOrigin_AdmitsEverything(string origin)
    {
        var options = new UpgradeNegotiatorOptions { AllowAnyOrigin = true, AllowSameOrigin = false };

        Expect.Decision("AnyOrigin", new UpgradeNegotiator(new TestRegistry(Plain), options).Negotiate(Request("http", "server.example.com", origin)), UpgradeOutcome.Accept, 101, UpgradeReason.None);
    }

    [Theory]
    [InlineData("https://example.com/")]
    [InlineData("example.com")]
    [InlineData("null")]
    [InlineData("ftp://")]
    [InlineData("")]
    public void AllowList_RejectsEntriesThatAreNotOrigins(string origin)
    {
        var exception = Assert.Throws<ArgumentException>(() => WebSocketOriginPolicy.AllowList([origin]));
        Assert.Contains("scheme://host[:port]", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AllowList_NeedsAnEntry_AndNormalizesThem()
    {
        Assert.Throws<ArgumentException>(() => WebSocketOriginPolicy.AllowList([]));
        WebSocketOriginPolicy policy = WebSocketOriginPolicy.AllowList(["HTTPS://Example.com", "https://example.com:443", "http://localhost:5080"]);
        Assert.Equal(WebSocketOriginMode.AllowList, policy.Mode);
        Assert.Equal(["https://example.com:443", "http://localhost:5080"], policy.Origins);
        Assert.True(new UpgradeNegotiatorOptions().AllowSameOrigin);
        Assert.Same(WebSocketOriginPolicy.SameOrigin, WebSocketOriginPolicy.SameOriginAnd([]));
    }

    private static TestRequest Request(string scheme, string host, string origin) => TestRequest.WebSocket()
        .With(UpgradeRequestHeader.Scheme, scheme)
        .With(UpgradeRequestHeader.Host, host)
        .With(UpgradeRequestHeader.Origin, origin);
}
