using System;
using Xunit;

namespace HttpUpgrade.Tests;

/// <summary>TLS (RFC 2817) and h2c (RFC 7540 §3.2) through the same negotiator as every other protocol.</summary>
public sealed class ConnectionUpgradeNegotiationTests
{
    // curl --http2's settings: SETTINGS_MAX_CONCURRENT_STREAMS 100, SETTINGS_INITIAL_WINDOW_SIZE 33554432, SETTINGS_ENABLE_PUSH 0.
    private const string CurlSettings = "AAMAAABkAAQCAAAAAAIAAAAA";

    private static readonly UpgradeNegotiator Negotiator = new(
        new TestRegistry(ConnectionUpgradeRegistration.Tls, ConnectionUpgradeRegistration.H2c),
        new UpgradeNegotiatorOptions { RequireUpgrade = false });

    private static TestRequest H2c(string settings = CurlSettings) => TestRequest.Raw("h2c")
        .With(UpgradeRequestHeader.Connection, "Upgrade, HTTP2-Settings")
        .With(UpgradeRequestHeader.Http2Settings, settings);

    [Theory]
    [InlineData("RFC 2817 §3.2: TLS/1.0 as in the RFC's example", "TLS/1.0", "TLS/1.0, HTTP/1.1", "1.0")]
    [InlineData("RFC 2817 §3.3: the 101 lists TLS and then HTTP/1.1 over it", "TLS/1.2", "TLS/1.2, HTTP/1.1", "1.2")]
    [InlineData("RFC 9110 §7.8: names compare case-insensitively", "tls/1.3", "TLS/1.3, HTTP/1.1", "1.3")]
    [InlineData("RFC 9110 §7.8: the client's first acceptable offer wins", "foo/1, TLS/1.1, TLS/1.2", "TLS/1.1, HTTP/1.1", "1.1")]
    [InlineData("RFC 2817 §3.2: TLS without a version", "TLS", "TLS, HTTP/1.1", null)]
    public void Rfc2817_TlsOffer_IsAccepted(string rule, string upgrade, string answered, string? version)
    {
        UpgradeDecision decision = Negotiator.Negotiate(TestRequest.Raw(upgrade, "OPTIONS"));

        Expect.Decision(rule, decision, UpgradeOutcome.Accept, 101, UpgradeReason.None);
        Assert.Same(ConnectionUpgradeRegistration.Tls, decision.Registration);
        Assert.Equal(UpgradeProtocolKind.Tls, decision.Registration!.Kind);
        Assert.Equal([new("Connection", "Upgrade"), new("Upgrade", answered)], decision.HandshakeFields());
        Assert.Equal(version, decision.Version);
    }

    [Theory]
    [InlineData("RFC 2817: only TLS versions 1.0 to 1.3 exist", "TLS/2.0", UpgradeReason.UnsupportedProtocolVersion)]
    [InlineData("RFC 2817: SSL is not TLS", "SSL/3.0", UpgradeReason.NoRegisteredProtocol)]
    public void Rfc2817_OtherOffers_AreNotUpgrades(string rule, string upgrade, UpgradeReason reason)
        => Expect.Decision(rule, Negotiator.Negotiate(TestRequest.Raw(upgrade)), UpgradeOutcome.Ignore, 0, reason);

    [Fact]
    public void Rfc2817_TlsOnAConnectionThatHasIt_IsNotAnUpgrade()
    {
        TestRequest request = TestRequest.Raw("TLS/1.2").With(UpgradeRequestHeader.Scheme, "https");

        Expect.Decision("RFC 2817 §3: nothing to switch to", Negotiator.Negotiate(request), UpgradeOutcome.Ignore, 0, UpgradeReason.AlreadySecure);
    }

    [Theory]
    [InlineData("content would travel in clear ahead of the handshake", UpgradeRequestHeader.ContentLength, "5", UpgradeReason.RequestHasContent)]
    [InlineData("chunked content likewise", UpgradeRequestHeader.TransferEncoding, "chunked", UpgradeReason.RequestHasContent)]
    [InlineData("an unknown expectation would be answered in clear", UpgradeRequestHeader.Expect, "fly", UpgradeReason.ExpectationFailed)]
    public void Rfc2817_TlsWithContentOrExpect_IsServedAsItIs(string rule, UpgradeRequestHeader header, string value, UpgradeReason reason)
        => Expect.Decision(rule, Negotiator.Negotiate(TestRequest.Raw("TLS/1.2", "POST").With(header, value)), UpgradeOutcome.Ignore, 0, reason);

    [Theory]
    [InlineData("RFC 7540 §3.2: curl --http2's upgrade", "GET")]
    [InlineData("RFC 7540 §3.2: any method without content", "OPTIONS")]
    [InlineData("Kestrel presents 'Connection: Upgrade, HTTP2-Settings' as 'Upgrade': the option cannot be required", "HEAD")]
    public void Rfc7540_3_2_H2cOffer_IsAccepted(string rule, string method)
    {
        TestRequest request = new TestRequest(method)
            .With(UpgradeRequestHeader.Host, "server.example.com")
            .With(UpgradeRequestHeader.Connection, method == "HEAD" ? "Upgrade" : "Upgrade, HTTP2-Settings")
            .With(UpgradeRequestHeader.Upgrade, "h2c")
            .With(UpgradeRequestHeader.Http2Settings, CurlSettings);

        UpgradeDecision decision = Negotiator.Negotiate(request);

        Expect.Decision(rule, decision, UpgradeOutcome.Accept, 101, UpgradeReason.None);
        Assert.Same(ConnectionUpgradeRegistration.H2c, decision.Registration);
        Assert.Equal([new("Connection", "Upgrade"), new("Upgrade", "h2c")], decision.HandshakeFields());
    }

    [Theory]
    [InlineData("RFC 7540 §3.2.1: exactly one HTTP2-Settings, not none", "Upgrade, HTTP2-Settings", new string[0], UpgradeReason.InvalidHttp2Settings)]
    [InlineData("RFC 7540 §3.2.1: exactly one HTTP2-Settings, not two", "Upgrade, HTTP2-Settings", new[] { CurlSettings, CurlSettings }, UpgradeReason.InvalidHttp2Settings)]
    [InlineData("RFC 7540 §3.2.1: base64url, so '+' is not allowed", "Upgrade, HTTP2-Settings", new[] { "AAMAAABk+AQCAAAAAAIAAAAA" }, UpgradeReason.InvalidHttp2Settings)]
    [InlineData("RFC 9113 §6.5: settings are six bytes each", "Upgrade, HTTP2-Settings", new[] { "AAMAAABkAA" }, UpgradeReason.InvalidHttp2Settings)]
    [InlineData("RFC 9113 §6.5.2: SETTINGS_ENABLE_PUSH is 0 or 1", "Upgrade, HTTP2-Settings", new[] { "AAIAAAAC" }, UpgradeReason.InvalidHttp2Settings)]
    [InlineData("RFC 9113 §6.5.2: SETTINGS_MAX_FRAME_SIZE is at least 16384", "Upgrade, HTTP2-Settings", new[] { "AAUAAAAB" }, UpgradeReason.InvalidHttp2Settings)]
    public void Rfc7540_3_2_1_InvalidSettings_AreServedAsHttp11(string rule, string connection, string[] settings, UpgradeReason reason)
    {
        TestRequest request = TestRequest.Raw("h2c").With(UpgradeRequestHeader.Connection, connection).With(UpgradeRequestHeader.Http2Settings, settings);

        Expect.Decision(rule, Negotiator.Negotiate(request), UpgradeOutcome.Ignore, 0, reason);
    }

    [Fact]
    public void Rfc7540_3_2_EmptySettings_AreValid()
        => Expect.Decision("RFC 7540 §3.2.1: a client may send no settings at all", Negotiator.Negotiate(H2c(string.Empty)), UpgradeOutcome.Accept, 101, UpgradeReason.None);

    [Theory]
    [InlineData("RFC 7540 §3.3: HTTP/2 over TLS uses ALPN, never Upgrade", UpgradeRequestHeader.Scheme, "https", UpgradeReason.AlreadySecure)]
    [InlineData("h2c refuses content, so no byte of HTTP/1.1 content is read as HTTP/2", UpgradeRequestHeader.ContentLength, "3", UpgradeReason.RequestHasContent)]
    [InlineData("h2c refuses an unknown expectation", UpgradeRequestHeader.Expect, "fly", UpgradeReason.ExpectationFailed)]
    public void Rfc7540_3_2_H2cThatCannotSwitch_IsServedAsHttp11(string rule, UpgradeRequestHeader header, string value, UpgradeReason reason)
        => Expect.Decision(rule, Negotiator.Negotiate(H2c().With(header, value)), UpgradeOutcome.Ignore, 0, reason);

    [Theory]
    [InlineData("RFC 7540 §3.3: h2 is the ALPN name of HTTP/2 over TLS, never an Upgrade token", "h2")]
    [InlineData("RFC 7540 §3.2: h2c has no version", "h2c/2")]
    public void Rfc7540_OtherHttp2Tokens_AreNotUpgrades(string rule, string upgrade)
    {
        UpgradeDecision decision = Negotiator.Negotiate(H2c().With(UpgradeRequestHeader.Upgrade, upgrade));

        Expect.Decision(rule, decision, UpgradeOutcome.Ignore, 0, decision.Reason);
        Assert.Null(decision.Registration);
    }

    [Fact]
    public void Rfc8441_ConnectionProtocols_NeverTunnelOverExtendedConnect()
    {
        TestRequest connect = new TestRequest("CONNECT", UpgradeHttpVersion.Http2)
            .With(UpgradeRequestHeader.Host, "server.example.com")
            .With(UpgradeRequestHeader.Protocol, "h2c");

        Expect.Decision("a stream has no connection of its own to switch", Negotiator.Negotiate(connect), UpgradeOutcome.Ignore, 0, UpgradeReason.NoRegisteredProtocol);
    }

    [Theory]
    [InlineData(UpgradeHttpVersion.Http11, "TLS/1.2, HTTP/1.1")]
    [InlineData(UpgradeHttpVersion.Http2, null)]
    public void Rfc2817_4_2_TlsRequired_Is426NamingTls(UpgradeHttpVersion version, string? upgrade)
    {
        UpgradeDecision decision = UpgradeDecision.RequireTls(version);

        Expect.Decision("RFC 2817 §4.2", decision, UpgradeOutcome.Reject, 426, UpgradeReason.TlsRequired);
        Assert.Equal(upgrade, decision.Upgrade);
        Assert.Equal(upgrade is not null, decision.ConnectionUpgrade);
        Assert.False(decision.Body.IsEmpty);
    }

    [Fact]
    public void Http2Settings_DecodesCurlsPayload()
    {
        byte[] payload = new byte[Http2Settings.MaxPayloadLength];

        Assert.True(Http2Settings.TryDecode(CurlSettings, payload, out int length));

        Assert.Equal(18, length);
        Assert.Equal(new byte[] { 0, 3, 0, 0, 0, 100, 0, 4, 2, 0, 0, 0, 0, 2, 0, 0, 0, 0 }, payload[..length]);
    }

    [Fact]
    public void Http2Settings_RefusesMoreSettingsThanItReads()
    {
        string tooMany = Convert.ToBase64String(new byte[(Http2Settings.MaxSettings + 1) * 6]).TrimEnd('=');

        Assert.False(Http2Settings.IsValid(tooMany));
        Assert.True(Http2Settings.IsValid(Convert.ToBase64String(new byte[Http2Settings.MaxSettings * 6]).TrimEnd('=')));
    }

    [Theory]
    [InlineData("A*MAAABk")]
    [InlineData("AAMAAABk=")]
    [InlineData("AAMAAABk==")]
    [InlineData("AAM AAABk")]
    [InlineData("AAMAAAB")]
    [InlineData("!!!!")]
    public void Http2Settings_RefusesAnythingButBase64UrlOfWholeSettings_WithoutThrowing(string value)
    {
        // Six-byte settings encode to whole groups of four characters, so padding never belongs in the field either.
        Assert.False(Http2Settings.IsValid(value));
        Assert.True(Http2Settings.IsValid("AAMAAABk"));
    }
}
