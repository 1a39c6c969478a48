using System;
using Xunit;

namespace HttpUpgrade.Tests;

/// <summary>The checks every offer passes before any protocol's rule runs: HTTP version, Connection and Upgrade.</summary>
public sealed class UpgradeNegotiatorTests
{
    private const string Advertised = "websocket, echo/1";

    private static UpgradeRegistration[] Handlers() =>
    [
        Registrations.Create("websocket", "13", handler: "WebSocketHandler"),
        Registrations.Create("echo", "1", handler: "EchoHandler"),
    ];

    [Theory]
    [InlineData("RFC 9110 §7.8: a server MUST ignore Upgrade received in an HTTP/1.0 request", UpgradeHttpVersion.Http10, Advertised)]
    [InlineData("RFC 9113 §8.2.2: HTTP/2 forbids Connection and Upgrade, so its 426 carries neither", UpgradeHttpVersion.Http2, null)]
    [InlineData("RFC 9114 §4.2: HTTP/3 forbids Connection and Upgrade, so its 426 carries neither", UpgradeHttpVersion.Http3, null)]
    [InlineData("RFC 9110 §7.8: Upgrade is defined for HTTP/1.1 only; an unknown version never upgrades", UpgradeHttpVersion.Unknown, Advertised)]
    public void HttpVersion_OnlyHttp11Upgrades(string rule, UpgradeHttpVersion version, string? upgradeIn426)
    {
        foreach (TestRequest request in new[] { TestRequest.WebSocket(httpVersion: version), RawRequest(version) })
        {
            UpgradeDecision ignored = Registrations.Negotiator(Handlers()).Negotiate(request);
            Expect.Decision(rule, ignored, UpgradeOutcome.Ignore, 0, UpgradeReason.NotHttp11);
            Assert.Null(ignored.Registration);
            Assert.False(ignored.ConnectionUpgrade);

            UpgradeDecision required = Registrations.RequiringNegotiator(Handlers()).Negotiate(request);
            Expect.Decision(rule, required, UpgradeOutcome.Reject, 426, UpgradeReason.NotHttp11);
            Expect.Value(rule, upgradeIn426, required.Upgrade, "Upgrade");
            Assert.Equal(upgradeIn426 is not null, required.ConnectionUpgrade);
            Assert.Null(required.Registration);
            Assert.Null(required.SecWebSocketVersion);
        }
    }

    [Theory]
    [InlineData("RFC 9110 §7.8: a sender of Upgrade MUST also send the upgrade connection option", null, "websocket")]
    [InlineData("RFC 9110 §7.8: Connection without the upgrade option does not upgrade", "keep-alive", "websocket")]
    [InlineData("RFC 9110 §7.6.1: 'upgraded' is not the upgrade option", "upgraded", "websocket")]
    [InlineData("RFC 9110 §7.8: without Upgrade there is nothing to switch to", "Upgrade", null)]
    [InlineData("RFC 9110 §5.6.1: an Upgrade of only empty elements offers nothing", "Upgrade", ", ,")]
    [InlineData("RFC 9110 §7.8: neither field, an ordinary request", null, null)]
    public void NotAnUpgrade_IsIgnored_OrAnswered426ListingRegisteredProtocols(string rule, string? connection, string? upgrade)
    {
        var request = new TestRequest().With(UpgradeRequestHeader.Host, "server.example.com");
        if (connection is not null)
        {
            request.With(UpgradeRequestHeader.Connection, connection);
        }

        if (upgrade is not null)
        {
            request.With(UpgradeRequestHeader.Upgrade, upgrade);
        }

        Expect.Decision(rule, Registrations.Negotiator(Handlers()).Negotiate(request), UpgradeOutcome.Ignore, 0, UpgradeReason.NotAnUpgrade);

        // RFC 9110 §15.5.22: a 426 MUST send Upgrade listing the acceptable protocols.
        UpgradeDecision required = Registrations.RequiringNegotiator(Handlers()).Negotiate(request);
        Expect.Decision(rule, required, UpgradeOutcome.Reject, 426, UpgradeReason.NotAnUpgrade);
        Expect.Value(rule, Advertised, required.Upgrade, "Upgrade");
        Assert.True(required.ConnectionUpgrade);
    }

    [Theory]
    [InlineData("RFC 9110 §7.8: the server MAY ignore an Upgrade naming no protocol it serves", "h2c")]
    [InlineData("RFC 9110 §7.8: every offer is unknown", "h2c, TLS/1.2, IRC/6.9")]
    [InlineData("RFC 6455 §4.2.1: 'websocket' is the token, not a prefix", "websockets")]
    public void NoRegisteredProtocol_IsIgnored_OrAnswered426(string rule, string upgrade)
    {
        Expect.Decision(rule, Registrations.Negotiator(Handlers()).Negotiate(TestRequest.Raw(upgrade)), UpgradeOutcome.Ignore, 0, UpgradeReason.NoRegisteredProtocol);

        UpgradeDecision required = Registrations.RequiringNegotiator(Handlers()).Negotiate(TestRequest.Raw(upgrade));
        Expect.Decision(rule, required, UpgradeOutcome.Reject, 426, UpgradeReason.NoRegisteredProtocol);
        Expect.Value(rule, Advertised, required.Upgrade, "Upgrade");
    }

    [Theory]
    [InlineData("RFC 9110 §7.8: protocol-name must be a token", "/1")]
    [InlineData("RFC 9110 §7.8: a '/' must be followed by a version token", "websocket, echo/")]
    [InlineData("RFC 9110 §5.6.2: SP is not a tchar", "echo 1")]
    [InlineData("RFC 9110 §7.8: protocol-version is one token", "echo/1/2")]
    public void MalformedUpgrade_IsRejected400_EvenWhenUpgradeIsOptional(string rule, string upgrade)
    {
        foreach (UpgradeNegotiator negotiator in new[] { Registrations.Negotiator(Handlers()), Registrations.RequiringNegotiator(Handlers()) })
        {
            UpgradeDecision decision = negotiator.Negotiate(TestRequest.Raw(upgrade));
            Expect.Decision(rule, decision, UpgradeOutcome.Reject, 400, UpgradeReason.MalformedUpgrade);
            Assert.False(decision.ConnectionUpgrade);
            Assert.Empty(decision.HandshakeFields());
        }
    }

    [Fact]
    public void TooManyOffers_IsRejected400()
    {
        UpgradeNegotiator negotiator = Registrations.Negotiator(Handlers());

        Expect.Decision(
            "the default reads at most 8 offers",
            negotiator.Negotiate(TestRequest.Raw("a, b, c, d, e, f, g, h, echo/1")),
            UpgradeOutcome.Reject,
            400,
            UpgradeReason.TooManyOffers);
        Expect.Decision(
            "8 offers are read",
            negotiator.Negotiate(TestRequest.Raw("a, b, c, d, e, f, g, echo/1")),
            UpgradeOutcome.Accept,
            101,
            UpgradeReason.None);

        var strict = new UpgradeNegotiator(new TestRegistry(Handlers()), new UpgradeNegotiatorOptions { MaxOffers = 1 });
        Expect.Decision("MaxOffers = 1", strict.Negotiate(TestRequest.Raw("h2c, echo/1")), UpgradeOutcome.Reject, 400, UpgradeReason.TooManyOffers);
        Expect.Decision("MaxOffers = 1", strict.Negotiate(TestRequest.Raw("echo/1")), UpgradeOutcome.Accept, 101, UpgradeReason.None);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(65)]
    public void Options_MaxOffersOutOfRange_Throws(int value)
        => Assert.Throws<ArgumentOutOfRangeException>(() => new UpgradeNegotiatorOptions { MaxOffers = value });

    [Fact]
    public void Options_Defaults()
    {
        var options = new UpgradeNegotiatorOptions();
        Assert.Equal(8, options.MaxOffers);
        Assert.False(options.RequireUpgrade);
        Assert.Equal(64, new UpgradeNegotiatorOptions { MaxOffers = 64 }.MaxOffers);
        Assert.Equal(1, new UpgradeNegotiatorOptions { MaxOffers = 1 }.MaxOffers);
    }

    [Fact]
    public void Constructor_RejectsAnEmptyRegistry()
    {
        ArgumentException exception = Assert.Throws<ArgumentException>(() => new UpgradeNegotiator(new TestRegistry()));
        Assert.Equal("registry", exception.ParamName);
        Assert.Contains("[UpgradeProtocol(", exception.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => new UpgradeNegotiator(null!));
    }

    [Fact]
    public void Negotiate_NullRequest_Throws()
        => Assert.Throws<ArgumentNullException>(() => Registrations.Negotiator(Handlers()).Negotiate<TestRequest>(null!));

    [Theory]
    [InlineData("the same name and version", "echo", "echo/1", "echo:1:", "ECHO:1,2:")]
    [InlineData("the same version among others", "echo", "echo/1", "echo:1,2:", "echo:1,3:")]
    [InlineData("any version twice", "x-raw", "x-raw", "x-raw::", "X-RAW::")]
    [InlineData("two WebSocket handlers without subprotocols", "websocket", "websocket/13", "websocket:13:", "websocket::")]
    [InlineData("two WebSocket handlers sharing a subprotocol", "websocket", "websocket/13 with subprotocol chat", "websocket:13:chat,v2", "websocket:13:v3,chat")]
    public void CollidingRegistrations_AreRejectedWhenTheNegotiatorIsBuilt(string rule, string name, string claim, params string[] registrations)
    {
        var handlers = new UpgradeRegistration[registrations.Length];
        for (int i = 0; i < registrations.Length; i++)
        {
            string[] parts = registrations[i].Split(':');
            handlers[i] = Registrations.Create(parts[0], parts[1], parts[2], handler: "Handler" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var exception = Assert.Throws<ArgumentException>(() => Registrations.Negotiator(handlers));

        Assert.True(exception.Message.Contains(claim, StringComparison.OrdinalIgnoreCase), $"{rule}: '{exception.Message}' names {claim}");
        Assert.Contains("Handler0", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Handler1", exception.Message, StringComparison.Ordinal);
        Assert.StartsWith(name, claim, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("RFC 6455 §4.2.2: a WebSocket is advertised by its token alone", "websocket", "websocket:13")]
    [InlineData("RFC 9110 §7.8: a raw protocol is advertised with each version", "websocket, echo/1, echo/2", "websocket:13", "echo:1,2")]
    [InlineData("RFC 9110 §7.8: a raw protocol without versions is advertised by name", "echo", "echo:")]
    [InlineData("RFC 9110 §5.6.1: a protocol served by several handlers is listed once", "websocket, echo/1, echo/2", "websocket:13", "websocket:8", "echo:1", "echo:2")]
    [InlineData("RFC 9110 §7.8: names compare case-insensitively, so they are listed once", "WebSocket", "WebSocket:13", "websocket:8")]
    [InlineData("RFC 9110 §7.8: versions of one protocol from several handlers are listed in registration order", "echo/1, echo/2, echo/3", "echo:1,2", "echo:3")]
    [InlineData("RFC 9110 §7.8: protocol names compare case-insensitively, so each registration keeps its spelling", "echo/1, ECHO/2", "echo:1", "ECHO:2")]
    public void AdvertisedProtocols_ListEachRegisteredProtocolOnceInRegistrationOrder(string rule, string expected, params string[] registrations)
    {
        var handlers = new UpgradeRegistration[registrations.Length];
        for (int i = 0; i < registrations.Length; i++)
        {
            string[] parts = registrations[i].Split(':');
            handlers[i] = Registrations.Create(parts[0], parts[1], handler: "Handler" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        UpgradeNegotiator negotiator = Registrations.RequiringNegotiator(handlers);

        Expect.Value(rule, expected, negotiator.AdvertisedProtocols, "advertised protocols");
        Expect.Value(rule, expected, negotiator.Negotiate(new TestRequest()).Upgrade, "Upgrade in the 426");
    }

    private static TestRequest RawRequest(UpgradeHttpVersion version)
        => new TestRequest(httpVersion: version)
            .With(UpgradeRequestHeader.Connection, "Upgrade")
            .With(UpgradeRequestHeader.Upgrade, "echo/1");
}
