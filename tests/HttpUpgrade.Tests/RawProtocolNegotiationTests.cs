using Xunit;

namespace HttpUpgrade.Tests;

/// <summary>RFC 9110 §7.8 for any registered token: offers in the client's order, the 101 naming one of them.</summary>
public sealed class RawProtocolNegotiationTests
{
    private static readonly UpgradeRegistration WebSocket = Registrations.Create("websocket", "13", handler: "WebSocketHandler");
    private static readonly UpgradeRegistration Echo = Registrations.Create("echo", "1", handler: "EchoHandler");

    [Theory]
    [InlineData("RFC 9110 §7.8: a registered name/version is switched to", "echo/1", "echo/1", "1")]
    [InlineData("RFC 9110 §7.8: offers are walked in the client's order; an unknown name is skipped", "foo/9, echo/1", "echo/1", "1")]
    [InlineData("RFC 9110 §7.8: an unserved version is skipped for the next offer", "echo/9, echo/1", "echo/1", "1")]
    [InlineData("RFC 9110 §7.8: the first servable offer wins over later ones", "echo/1, websocket", "echo/1", "1")]
    [InlineData("RFC 9110 §7.8: offers on several field lines", "h2c|echo/1", "echo/1", "1")]
    [InlineData("RFC 9110 §7.8: protocol names compare case-insensitively", "ECHO/1", "echo/1", "1")]
    [InlineData("RFC 9110 §7.8: protocol names compare case-insensitively", "Echo/1", "echo/1", "1")]
    [InlineData("RFC 9110 §7.8: an offer without a version accepts the server's protocol", "echo", "echo", null)]
    public void Rfc9110_7_8_TheFirstServableOfferIsSwitchedTo(string rule, string upgrade, string expectedUpgrade, string? expectedVersion)
    {
        TestRequest request = TestRequest.Raw("placeholder").With(UpgradeRequestHeader.Upgrade, upgrade.Split('|'));

        UpgradeDecision decision = Registrations.Negotiator(WebSocket, Echo).Negotiate(request);

        Expect.Decision(rule, decision, UpgradeOutcome.Accept, 101, UpgradeReason.None);
        Expect.Value(rule, expectedUpgrade, decision.Upgrade, "Upgrade");
        Expect.Value(rule, expectedVersion, decision.Version, "version");
        Assert.Same(Echo, decision.Registration);
        Assert.True(decision.ConnectionUpgrade);
        Assert.False(decision.HasWebSocketAccept);
        Assert.Null(decision.GetWebSocketAccept());
        Assert.Null(decision.SubProtocol);
        Assert.Equal([new("Connection", "Upgrade"), new("Upgrade", expectedUpgrade)], decision.HandshakeFields());
    }

    [Theory]
    [InlineData("RFC 9110 §7.8: a registration without versions serves any version, echoing it", "echo/7", "echo/7", "7")]
    [InlineData("RFC 9110 §7.8: a registration without versions serves any version, echoing it", "echo/2.0-beta", "echo/2.0-beta", "2.0-beta")]
    [InlineData("RFC 9110 §7.8: a registration without versions serves an offer without one", "echo", "echo", null)]
    [InlineData("RFC 9110 §7.8: protocol names compare case-insensitively", "ECHO/7", "echo/7", "7")]
    public void Rfc9110_7_8_RegistrationWithoutVersions_AcceptsAnyVersion(string rule, string upgrade, string expectedUpgrade, string? expectedVersion)
    {
        UpgradeRegistration anyVersion = Registrations.Create("echo", handler: "AnyVersion");

        UpgradeDecision decision = Registrations.Negotiator(anyVersion).Negotiate(TestRequest.Raw(upgrade));

        Expect.Decision(rule, decision, UpgradeOutcome.Accept, 101, UpgradeReason.None);
        Expect.Value(rule, expectedUpgrade, decision.Upgrade, "Upgrade");
        Expect.Value(rule, expectedVersion, decision.Version, "version");
        Assert.Same(anyVersion, decision.Registration);
    }

    [Fact]
    public void Rfc9110_7_8_EachVersionSelectsTheRegistrationThatServesIt()
    {
        UpgradeRegistration version1 = Registrations.Create("echo", "1", handler: "Version1");
        UpgradeRegistration version2 = Registrations.Create("echo", "2, 3", handler: "Version2");
        UpgradeNegotiator negotiator = Registrations.Negotiator(version1, version2);

        Assert.Same(version1, negotiator.Negotiate(TestRequest.Raw("echo/1")).Registration);
        Assert.Same(version2, negotiator.Negotiate(TestRequest.Raw("echo/3")).Registration);
        Assert.Equal("echo/3", negotiator.Negotiate(TestRequest.Raw("echo/3")).Upgrade);
        Assert.Same(version1, negotiator.Negotiate(TestRequest.Raw("echo")).Registration);
        Assert.Equal("echo/1, echo/2, echo/3", negotiator.AdvertisedProtocols);
    }

    [Theory]
    [InlineData("RFC 9110 §7.8: a registration listing the offered version wins over one without Versions", "echo/2", "Version2", "echo/2")]
    [InlineData("RFC 9110 §7.8: a version no registration lists goes to the one without Versions", "echo/7", "AnyVersion", "echo/7")]
    [InlineData("RFC 9110 §7.8: an offer without a version goes to the registration without Versions", "echo", "AnyVersion", "echo")]
    [InlineData("RFC 9110 §7.8: protocol names and versions compare case-insensitively", "ECHO/v2", "Version2", "echo/V2")]
    public void SharedName_TheListedVersionWins_ThenTheRegistrationWithoutVersions_InEitherOrder(string rule, string upgrade, string handler, string expectedUpgrade)
    {
        UpgradeRegistration anyVersion = Registrations.Create("echo", handler: "AnyVersion");
        UpgradeRegistration version2 = Registrations.Create("echo", "V2, 2", handler: "Version2");

        foreach (UpgradeNegotiator negotiator in new[] { Registrations.Negotiator(anyVersion, version2), Registrations.Negotiator(version2, anyVersion) })
        {
            UpgradeDecision decision = negotiator.Negotiate(TestRequest.Raw(upgrade));

            Expect.Decision(rule, decision, UpgradeOutcome.Accept, 101, UpgradeReason.None);
            Expect.Value(rule, handler, decision.Registration?.HandlerType.Name, "handler");
            Expect.Value(rule, expectedUpgrade, decision.Upgrade, "Upgrade");
        }
    }

    [Theory]
    [InlineData("RFC 9110 §7.8: only an unserved version of a registered protocol", "echo/2")]
    [InlineData("RFC 9110 §7.8: only unserved versions of a registered protocol", "echo/2, echo/3")]
    [InlineData("RFC 9110 §7.8: an unserved version, then an unknown protocol", "echo/2, h2c")]
    [InlineData("RFC 9110 §7.8: an unknown protocol, then an unserved version", "h2c, echo/2")]
    public void Rfc9110_7_8_OnlyUnservedVersions_AreIgnored_OrAnswered426(string rule, string upgrade)
    {
        Expect.Decision(rule, Registrations.Negotiator(WebSocket, Echo).Negotiate(TestRequest.Raw(upgrade)), UpgradeOutcome.Ignore, 0, UpgradeReason.UnsupportedProtocolVersion);

        UpgradeDecision required = Registrations.RequiringNegotiator(WebSocket, Echo).Negotiate(TestRequest.Raw(upgrade));
        Expect.Decision(rule, required, UpgradeOutcome.Reject, 426, UpgradeReason.UnsupportedProtocolVersion);
        Expect.Value(rule, "websocket, echo/1", required.Upgrade, "Upgrade");
        Assert.Null(required.Registration);
    }

    [Theory]
    [InlineData("RFC 6455 §4.1: the WebSocket error wins over a later unserved version", "websocket, echo/2", null, 405, UpgradeReason.MethodNotAllowed)]
    [InlineData("RFC 6455 §4.1: the WebSocket error wins over a later unknown protocol", "websocket, h2c", null, 405, UpgradeReason.MethodNotAllowed)]
    [InlineData("RFC 6455 §4.1: the WebSocket error wins over an earlier unserved version", "echo/2, websocket", null, 405, UpgradeReason.MethodNotAllowed)]
    [InlineData("RFC 6455 §4.1: the first handshake error wins over a later one", "websocket, echo/1", "5", 405, UpgradeReason.MethodNotAllowed)]
    [InlineData("RFC 9112 §6.2: the first handshake error wins over a later one", "echo/1, websocket", "5", 400, UpgradeReason.RequestHasContent)]
    public void HandshakeErrors_TheFirstWinsOverOffersThatAreNotServed(string rule, string upgrade, string? contentLength, int status, UpgradeReason reason)
    {
        // A POST fails the WebSocket handshake; content fails every handshake.
        TestRequest request = TestRequest.Raw(upgrade, "POST")
            .With(UpgradeRequestHeader.SecWebSocketKey, TestRequest.SampleKey)
            .With(UpgradeRequestHeader.SecWebSocketVersion, "13");
        if (contentLength is not null)
        {
            request.With(UpgradeRequestHeader.ContentLength, contentLength);
        }

        Expect.Decision(rule, Registrations.Negotiator(WebSocket, Echo).Negotiate(request), UpgradeOutcome.Reject, status, reason);
        Expect.Decision(rule, Registrations.RequiringNegotiator(WebSocket, Echo).Negotiate(request), UpgradeOutcome.Reject, status, reason);
    }

    [Theory]
    [InlineData("RFC 9110 §7.8: a later servable offer wins over an earlier WebSocket method error", "websocket, echo/1", "POST")]
    [InlineData("RFC 9110 §7.8: a later servable offer wins over an earlier WebSocket version error", "websocket, echo/1", "GET")]
    public void HandshakeErrors_ALaterAcceptableOfferWins(string rule, string upgrade, string method)
    {
        // No Sec-WebSocket-Version: a GET fails the WebSocket handshake too.
        TestRequest request = TestRequest.Raw(upgrade, method).With(UpgradeRequestHeader.SecWebSocketKey, TestRequest.SampleKey);

        UpgradeDecision decision = Registrations.Negotiator(WebSocket, Echo).Negotiate(request);

        Expect.Decision(rule, decision, UpgradeOutcome.Accept, 101, UpgradeReason.None);
        Assert.Same(Echo, decision.Registration);
        Assert.Equal("echo/1", decision.Upgrade);
    }

    [Theory]
    [InlineData("RFC 9112 §6.2: Content-Length announces content", UpgradeRequestHeader.ContentLength, "5")]
    [InlineData("RFC 9112 §6.1: Transfer-Encoding announces content", UpgradeRequestHeader.TransferEncoding, "chunked")]
    public void RawOfferWithContent_IsRejected400(string rule, UpgradeRequestHeader header, string value)
    {
        TestRequest request = TestRequest.Raw("echo/1", "POST").With(header, value);

        Expect.Decision(rule, Registrations.Negotiator(WebSocket, Echo).Negotiate(request), UpgradeOutcome.Reject, 400, UpgradeReason.RequestHasContent);
        Expect.Decision(
            "RFC 9112 §6.2: Content-Length: 0 is no content",
            Registrations.Negotiator(WebSocket, Echo).Negotiate(TestRequest.Raw("echo/1", "POST").With(UpgradeRequestHeader.ContentLength, "0")),
            UpgradeOutcome.Accept,
            101,
            UpgradeReason.None);
    }
}
