using System;
using Xunit;

namespace HttpUpgrade.Tests;

/// <summary>RFC 8441 (HTTP/2) and RFC 9220 (HTTP/3): WebSockets bootstrapped with extended CONNECT.</summary>
public sealed class ExtendedConnectNegotiationTests
{
    private static readonly UpgradeRegistration Chat = Registrations.Create("websocket", "13", "chat.v2, chat.v1", "ChatHandler");
    private static readonly UpgradeRegistration Echo = Registrations.Create("echo", "1", handler: "EchoHandler");

    private static TestRequest Connect(string protocol = "websocket", UpgradeHttpVersion version = UpgradeHttpVersion.Http2) => new TestRequest("CONNECT", version)
        .With(UpgradeRequestHeader.Host, "server.example.com")
        .With(UpgradeRequestHeader.Scheme, "https")
        .With(UpgradeRequestHeader.Protocol, protocol)
        .With(UpgradeRequestHeader.SecWebSocketVersion, "13")
        .With(UpgradeRequestHeader.SecWebSocketProtocol, "chat.v1");

    [Theory]
    [InlineData("RFC 8441 §5: HTTP/2", UpgradeHttpVersion.Http2)]
    [InlineData("RFC 9220 §3: HTTP/3", UpgradeHttpVersion.Http3)]
    public void ExtendedConnect_IsAccepted200_WithoutUpgradeOrAccept(string rule, UpgradeHttpVersion version)
    {
        UpgradeDecision decision = Registrations.RequiringNegotiator(Chat, Echo).Negotiate(Connect(version: version));

        Expect.Decision(rule, decision, UpgradeOutcome.Accept, 200, UpgradeReason.None);
        Assert.True(decision.IsExtendedConnect);
        Assert.Same(Chat, decision.Registration);
        Assert.Equal("13", decision.Version);
        Assert.Equal("chat.v1", decision.SubProtocol);
        Assert.Null(decision.Upgrade);
        Assert.False(decision.ConnectionUpgrade);
        Assert.False(decision.HasWebSocketAccept);
        Assert.Equal([new("Sec-WebSocket-Protocol", "chat.v1")], decision.HandshakeFields());
    }

    [Fact]
    public void ExtendedConnect_NeedsNoKey_AndIgnoresOne()
    {
        UpgradeDecision decision = Registrations.Negotiator(Chat).Negotiate(Connect().With(UpgradeRequestHeader.SecWebSocketKey, "not a key"));

        Expect.Decision("RFC 8441 §5: Sec-WebSocket-Key is not used", decision, UpgradeOutcome.Accept, 200, UpgradeReason.None);
        Assert.False(decision.HasWebSocketAccept);
    }

    [Fact]
    public void ExtendedConnect_RawToken_IsTunnelledToo()
    {
        UpgradeDecision decision = Registrations.Negotiator(Chat, Echo).Negotiate(Connect("echo/1"));

        Expect.Decision("RFC 8441 §4: :protocol names any registered upgrade token", decision, UpgradeOutcome.Accept, 200, UpgradeReason.None);
        Assert.Same(Echo, decision.Registration);
        Assert.Equal("1", decision.Version);
        Assert.Null(decision.SubProtocol);
    }

    public static TheoryData<string, Func<TestRequest>, int, UpgradeReason, string?> Rejections => new()
    {
        {
            "RFC 8441 §5: Sec-WebSocket-Version is still required; a 426 on HTTP/2 carries no Upgrade",
            () => Connect().Without(UpgradeRequestHeader.SecWebSocketVersion),
            426,
            UpgradeReason.UnsupportedWebSocketVersion,
            "13"
        },
        {
            "RFC 6455 §4.4 via RFC 8441 §5: an unsupported version is 426 listing the supported ones",
            () => Connect().With(UpgradeRequestHeader.SecWebSocketVersion, "8"),
            426,
            UpgradeReason.UnsupportedWebSocketVersion,
            "13"
        },
        {
            "RFC 6455 §10.2: the origin policy holds on HTTP/2",
            () => Connect().With(UpgradeRequestHeader.Origin, "https://evil.example"),
            403,
            UpgradeReason.OriginNotAllowed,
            null
        },
        {
            "RFC 6455 §4.2.2: no subprotocol agreed with every handler requiring one",
            () => Connect().With(UpgradeRequestHeader.SecWebSocketProtocol, "mqtt"),
            400,
            UpgradeReason.NoAcceptableSubProtocol,
            null
        },
        {
            "RFC 8441 §4: an unregistered :protocol is not an upgrade here; the 426 carries no Upgrade",
            () => Connect("h2c"),
            426,
            UpgradeReason.NoRegisteredProtocol,
            null
        },
        {
            "RFC 8441 §4: :protocol is a token",
            () => Connect("web socket"),
            400,
            UpgradeReason.MalformedUpgrade,
            null
        },
        {
            "RFC 9113 §8.5: CONNECT needs an authority",
            () => Connect().Without(UpgradeRequestHeader.Host),
            400,
            UpgradeReason.InvalidHost,
            null
        },
        {
            "RFC 9113 §8.2.2: a plain HTTP/2 GET never upgrades",
            () => TestRequest.WebSocket(httpVersion: UpgradeHttpVersion.Http2),
            426,
            UpgradeReason.NotHttp11,
            null
        },
        {
            "RFC 8441 §4: a CONNECT without :protocol is an ordinary tunnel, not an upgrade",
            () => Connect().Without(UpgradeRequestHeader.Protocol),
            426,
            UpgradeReason.NotHttp11,
            null
        },
        {
            "RFC 8441 §4: only CONNECT carries :protocol",
            () => new TestRequest("GET", UpgradeHttpVersion.Http2).With(UpgradeRequestHeader.Host, "server.example.com").With(UpgradeRequestHeader.Protocol, "websocket"),
            426,
            UpgradeReason.NotHttp11,
            null
        },
        { "RFC 9113 §8.2.2: Upgrade is connection-specific", () => Connect().With(UpgradeRequestHeader.Upgrade, "websocket"), 400, UpgradeReason.ConnectionSpecificField, null },
        { "RFC 9113 §8.2.2: Connection is connection-specific", () => Connect().With(UpgradeRequestHeader.Connection, "Upgrade"), 400, UpgradeReason.ConnectionSpecificField, null },
        { "RFC 9113 §8.2.2: Keep-Alive is connection-specific", () => Connect().With(UpgradeRequestHeader.KeepAlive, "timeout=5"), 400, UpgradeReason.ConnectionSpecificField, null },
        { "RFC 9113 §8.2.2: Proxy-Connection is connection-specific", () => Connect().With(UpgradeRequestHeader.ProxyConnection, "keep-alive"), 400, UpgradeReason.ConnectionSpecificField, null },
        { "RFC 9113 §8.2.2: Transfer-Encoding is connection-specific", () => Connect().With(UpgradeRequestHeader.TransferEncoding, "chunked"), 400, UpgradeReason.ConnectionSpecificField, null },
        { "RFC 9113 §8.2.2: TE other than trailers is connection-specific", () => Connect().With(UpgradeRequestHeader.TE, "gzip"), 400, UpgradeReason.ConnectionSpecificField, null },
    };

    [Fact]
    public void ExtendedConnect_WithTeTrailers_IsAccepted()
        => Expect.Decision("RFC 9113 §8.2.2: TE: trailers is the one allowed", Registrations.RequiringNegotiator(Chat, Echo).Negotiate(Connect().With(UpgradeRequestHeader.TE, "trailers").With(UpgradeRequestHeader.SecWebSocketProtocol, "chat.v1")), UpgradeOutcome.Accept, 200, UpgradeReason.None);

    [Theory]
    [MemberData(nameof(Rejections))]
    public void ExtendedConnect_Rejections(string rule, Func<TestRequest> request, int status, UpgradeReason reason, string? versions)
    {
        UpgradeDecision decision = Registrations.RequiringNegotiator(Chat, Echo).Negotiate(request());

        Expect.Decision(rule, decision, UpgradeOutcome.Reject, status, reason);
        Assert.Null(decision.Upgrade);
        Assert.False(decision.ConnectionUpgrade);
        Expect.Value(rule, versions, decision.SecWebSocketVersion, "Sec-WebSocket-Version");
    }

    [Fact]
    public void ExtendedConnect_WithDeflate_AnswersTheExtension()
    {
        var options = new UpgradeNegotiatorOptions { WebSocketDeflate = new System.Net.WebSockets.WebSocketDeflateOptions() };
        UpgradeDecision decision = new UpgradeNegotiator(new TestRegistry(Chat), options)
            .Negotiate(Connect().With(UpgradeRequestHeader.SecWebSocketExtensions, "permessage-deflate; client_max_window_bits"));

        Expect.Decision("RFC 8441 §5", decision, UpgradeOutcome.Accept, 200, UpgradeReason.None);
        Assert.True(decision.IsExtendedConnect);
        Assert.Same(Chat, decision.Registration);
        Expect.Extensions("RFC 7692 §7 via RFC 8441 §5: the offer is answered as on HTTP/1.1", "permessage-deflate", decision.Deflate.ToHeaderValue());
    }
}
