using System;
using Xunit;

namespace HttpUpgrade.Tests;

/// <summary>Host, Expect and the place of each check in the fixed order, for HTTP/1.1 upgrades of every kind.</summary>
public sealed class HandshakeConformanceTests
{
    private static UpgradeNegotiator Negotiator() => Registrations.RequiringNegotiator(
        Registrations.Create("websocket", "13", handler: "PlainHandler"),
        Registrations.Create("echo", "1", handler: "EchoHandler"));

    [Theory]
    [InlineData("RFC 9112 §3.2: an HTTP/1.1 request without Host is 400", "websocket")]
    [InlineData("RFC 9112 §3.2: an HTTP/1.1 request without Host is 400, for a raw token too", "echo/1")]
    [InlineData("RFC 9112 §3.2: more than one Host field line is 400", "websocket", "a.example", "b.example")]
    [InlineData("RFC 9112 §3.2: the same Host twice is still two field lines", "websocket", "a.example", "a.example")]
    [InlineData("RFC 6455 §4.2.1 item 2: an empty Host names no authority", "websocket", "")]
    [InlineData("RFC 6455 §4.2.1 item 2: a Host of only whitespace names no authority", "websocket", " \t")]
    public void Rfc9112_3_2_HostMissingRepeatedOrEmpty_IsRejected400(string rule, string upgrade, params string[] hostLines)
    {
        TestRequest request = (upgrade == "websocket" ? TestRequest.WebSocket() : TestRequest.Raw(upgrade)).Without(UpgradeRequestHeader.Host);
        if (hostLines.Length > 0)
        {
            request.With(UpgradeRequestHeader.Host, hostLines);
        }

        UpgradeDecision decision = Negotiator().Negotiate(request);

        Expect.Decision(rule, decision, UpgradeOutcome.Reject, 400, UpgradeReason.InvalidHost);
        Assert.Empty(decision.HandshakeFields());
    }

    [Theory]
    [InlineData("RFC 9110 §10.1.1: an expectation the server does not know", "websocket", "fly")]
    [InlineData("RFC 9110 §10.1.1: an unknown expectation on a raw upgrade", "echo/1", "fly")]
    [InlineData("RFC 9110 §10.1.1: one unknown expectation among others", "websocket", "100-continue, fly")]
    public void Rfc9110_10_1_1_AnUnknownExpectation_IsRejected417(string rule, string upgrade, string expect)
    {
        TestRequest request = (upgrade == "websocket" ? TestRequest.WebSocket() : TestRequest.Raw(upgrade)).With(UpgradeRequestHeader.Expect, expect);

        UpgradeDecision decision = Negotiator().Negotiate(request);

        Expect.Decision(rule, decision, UpgradeOutcome.Reject, 417, UpgradeReason.ExpectationFailed);
        Assert.False(decision.HasWebSocketAccept);
        Assert.Empty(decision.HandshakeFields());
    }

    [Theory]
    [InlineData("RFC 9110 §10.1.1: 100-continue on an upgrade without content is met by answering", "websocket", "100-continue")]
    [InlineData("RFC 9110 §10.1.1: expectations compare case-insensitively", "websocket", "100-Continue")]
    [InlineData("RFC 9110 §10.1.1: 100-continue on a raw upgrade", "echo/1", "100-continue")]
    public void Rfc9110_10_1_1_ContinueWithoutContent_IsAnsweredNormally(string rule, string upgrade, string expect)
    {
        TestRequest request = (upgrade == "websocket" ? TestRequest.WebSocket() : TestRequest.Raw(upgrade)).With(UpgradeRequestHeader.Expect, expect);

        Expect.Decision(rule, Negotiator().Negotiate(request), UpgradeOutcome.Accept, 101, UpgradeReason.None);
    }

    [Fact]
    public void Expect_IsNotAnUpgradesConcern_WhenTheRequestIsNoUpgrade()
    {
        TestRequest request = new TestRequest()
            .With(UpgradeRequestHeader.Host, "server.example.com")
            .With(UpgradeRequestHeader.Expect, "100-continue");

        Expect.Decision("RFC 9110 §7.8: no Upgrade, nothing to negotiate", Registrations.Negotiator(Registrations.Create("echo")).Negotiate(request), UpgradeOutcome.Ignore, 0, UpgradeReason.NotAnUpgrade);
    }

    public static TheoryData<string, Func<TestRequest>, int, UpgradeReason> CheckOrder => new()
    {
        {
            "HTTP version first: an HTTP/1.0 request with every other fault is 426",
            () => Faulty(new TestRequest("POST", UpgradeHttpVersion.Http10)).Without(UpgradeRequestHeader.Host),
            426,
            UpgradeReason.NotHttp11
        },
        {
            "Connection/Upgrade before Host: a request that is no upgrade is never answered for its Host",
            () => Faulty(new TestRequest("POST")).Without(UpgradeRequestHeader.Host).Without(UpgradeRequestHeader.Connection),
            426,
            UpgradeReason.NotAnUpgrade
        },
        {
            "Host before method",
            () => Faulty(new TestRequest("POST")).Without(UpgradeRequestHeader.Host),
            400,
            UpgradeReason.InvalidHost
        },
        {
            "method before content and Expect",
            () => Faulty(new TestRequest("POST")),
            405,
            UpgradeReason.MethodNotAllowed
        },
        {
            "content before Expect",
            () => Faulty(new TestRequest()),
            400,
            UpgradeReason.RequestHasContent
        },
        {
            "Expect before version",
            () => Faulty(new TestRequest()).Without(UpgradeRequestHeader.ContentLength),
            417,
            UpgradeReason.ExpectationFailed
        },
        {
            "version before key",
            () => Faulty(new TestRequest()).Without(UpgradeRequestHeader.ContentLength).Without(UpgradeRequestHeader.Expect),
            426,
            UpgradeReason.UnsupportedWebSocketVersion
        },
        {
            "key before origin",
            () => Faulty(new TestRequest()).Without(UpgradeRequestHeader.ContentLength).Without(UpgradeRequestHeader.Expect)
                .With(UpgradeRequestHeader.SecWebSocketVersion, "13"),
            400,
            UpgradeReason.InvalidWebSocketKey
        },
        {
            "origin before subprotocols",
            () => Faulty(new TestRequest()).Without(UpgradeRequestHeader.ContentLength).Without(UpgradeRequestHeader.Expect)
                .With(UpgradeRequestHeader.SecWebSocketVersion, "13").With(UpgradeRequestHeader.SecWebSocketKey, TestRequest.SampleKey),
            403,
            UpgradeReason.OriginNotAllowed
        },
        {
            "subprotocols last",
            () => Faulty(new TestRequest()).Without(UpgradeRequestHeader.ContentLength).Without(UpgradeRequestHeader.Expect)
                .With(UpgradeRequestHeader.SecWebSocketVersion, "13").With(UpgradeRequestHeader.SecWebSocketKey, TestRequest.SampleKey)
                .Without(UpgradeRequestHeader.Origin),
            400,
            UpgradeReason.MalformedSubProtocol
        },
    };

    [Theory]
    [MemberData(nameof(CheckOrder))]
    public void FixedCheckOrder_EachFaultRemovedRevealsTheNext(string rule, Func<TestRequest> request, int status, UpgradeReason reason)
    {
        Expect.Decision(rule, Negotiator().Negotiate(request()), UpgradeOutcome.Reject, status, reason);
    }

    /// <summary>A WebSocket handshake with one fault for every check after the HTTP version.</summary>
    private static TestRequest Faulty(TestRequest request) => request
        .With(UpgradeRequestHeader.Host, "server.example.com")
        .With(UpgradeRequestHeader.Connection, "Upgrade")
        .With(UpgradeRequestHeader.Upgrade, "websocket")
        .With(UpgradeRequestHeader.ContentLength, "5")
        .With(UpgradeRequestHeader.Expect, "100-continue, fly")
        .With(UpgradeRequestHeader.SecWebSocketVersion, "99")
        .With(UpgradeRequestHeader.SecWebSocketKey, "bad")
        .With(UpgradeRequestHeader.Origin, "https://evil.example")
        .With(UpgradeRequestHeader.SecWebSocketProtocol, "a b");
}
