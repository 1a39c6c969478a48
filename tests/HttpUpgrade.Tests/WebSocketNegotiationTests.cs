using System;
using System.Security.Cryptography;
using System.Text;
using HttpUpgrade.Testing;
using Xunit;

namespace HttpUpgrade.Tests;

/// <summary>The RFC 6455 §4.2 opening handshake as the negotiator checks it.</summary>
public sealed class WebSocketNegotiationTests
{
    // A handler that declares no subprotocol, so that a handshake without Sec-WebSocket-Protocol is served.
    private static UpgradeNegotiator Negotiator(bool requireUpgrade = false) => requireUpgrade
        ? Registrations.RequiringNegotiator(Registrations.Create("websocket", "13", handler: "PlainHandler"))
        : Registrations.Negotiator(Registrations.Create("websocket", "13", handler: "PlainHandler"));

    [Fact]
    public void Rfc6455_1_2_SampleHandshake_IsAccepted()
    {
        UpgradeRegistration chat = Registrations.Create("websocket", "13", "chat", "ChatHandler");
        TestRequest request = TestRequest.WebSocket()
            .With(UpgradeRequestHeader.Origin, "http://example.com")
            .With(UpgradeRequestHeader.SecWebSocketProtocol, "chat, superchat");

        // The RFC's page at http://example.com talks to server.example.com: cross-origin, so only an allow-list admits it.
        Expect.Decision("RFC 6455 §10.2: same-origin by default", Registrations.Negotiator(chat).Negotiate(request), UpgradeOutcome.Reject, 403, UpgradeReason.OriginNotAllowed);
        var options = new UpgradeNegotiatorOptions { AllowedOrigins = { "http://example.com" } };
        UpgradeDecision decision = new UpgradeNegotiator(new TestRegistry(chat), options).Negotiate(request);

        Expect.Decision("RFC 6455 §1.2", decision, UpgradeOutcome.Accept, 101, UpgradeReason.None);
        Assert.Same(chat, decision.Registration);
        Assert.Equal("websocket", decision.Upgrade);
        Assert.True(decision.ConnectionUpgrade);
        Assert.Equal("13", decision.Version);
        Assert.Equal("chat", decision.SubProtocol);
        Assert.True(decision.HasWebSocketAccept);
        Assert.Equal(TestRequest.SampleAccept, decision.GetWebSocketAccept());
        Assert.Null(decision.SecWebSocketVersion);
        Assert.Null(decision.Allow);

        Span<char> accept = stackalloc char[UpgradeDecision.WebSocketAcceptLength];
        Assert.True(decision.TryCopyWebSocketAccept(accept));
        Assert.Equal(TestRequest.SampleAccept, accept.ToString());

        // RFC 6455 §1.2: the server's handshake, field for field.
        Assert.Equal(
        [
            new("Connection", "Upgrade"),
            new("Upgrade", "websocket"),
            new("Sec-WebSocket-Accept", TestRequest.SampleAccept),
            new("Sec-WebSocket-Protocol", "chat"),
        ],
        decision.HandshakeFields());
    }

    [Fact]
    public void Rfc6455_1_3_SampleKey_WithoutSubProtocols_IsAccepted()
    {
        UpgradeDecision decision = Negotiator().Negotiate(TestRequest.WebSocket());

        Expect.Decision("RFC 6455 §1.3", decision, UpgradeOutcome.Accept, 101, UpgradeReason.None);
        Assert.Equal("websocket", decision.Upgrade);
        Assert.True(decision.ConnectionUpgrade);
        Assert.Equal(TestRequest.SampleAccept, decision.GetWebSocketAccept());
        Assert.Null(decision.SubProtocol);
    }

    [Fact]
    public void Rfc6455_1_3_ComputeAccept_SampleKey()
    {
        Assert.Equal(TestRequest.SampleAccept, WebSocketHandshake.ComputeAccept(TestRequest.SampleKey));

        Span<char> destination = stackalloc char[UpgradeDecision.WebSocketAcceptLength + 4];
        destination.Fill('#');
        WebSocketHandshake.ComputeAccept(TestRequest.SampleKey, destination);
        Assert.Equal(TestRequest.SampleAccept + "####", destination.ToString());
    }

    [Theory]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA==")]
    [InlineData("/////////////////////w==")]
    [InlineData("x3JJHMbDL1EzLkh9GBhXDw==")]
    [InlineData("+/+/+/+/+/+/+/+/+/+/+A==")]
    public void Rfc6455_4_2_2_ComputeAccept_IsBase64OfSha1OfKeyAndGuid(string key)
    {
        string expected = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));

        Assert.Equal(expected, WebSocketHandshake.ComputeAccept(key));
        Assert.Equal(expected, Negotiator().Negotiate(TestRequest.WebSocket().With(UpgradeRequestHeader.SecWebSocketKey, key)).GetWebSocketAccept());
    }

    [Fact]
    public void ComputeAccept_RejectsAnInvalidKeyOrAShortDestination()
    {
        Assert.Equal("key", Assert.Throws<ArgumentException>(() => WebSocketHandshake.ComputeAccept("not a key")).ParamName);
        Assert.Equal("destination", Assert.Throws<ArgumentException>(() =>
        {
            Span<char> destination = stackalloc char[UpgradeDecision.WebSocketAcceptLength - 1];
            WebSocketHandshake.ComputeAccept(TestRequest.SampleKey, destination);
        }).ParamName);
        Assert.Throws<ArgumentNullException>(() => WebSocketHandshake.ComputeAccept(null!));
    }

    [Theory]
    [InlineData("RFC 6455 §4.2.1 item 3: the Upgrade value is compared case-insensitively", "WebSocket", "Connection", "Upgrade")]
    [InlineData("RFC 6455 §4.2.1 item 4: Connection includes the token, among others", "websocket", "Connection", "keep-alive, Upgrade")]
    [InlineData("RFC 6455 §4.2.1 item 4: the Connection token is case-insensitive", "websocket", "Connection", "upgrade")]
    [InlineData("RFC 9110 §7.8: the client's offers in preference order", "h2c, websocket", "Connection", "Upgrade")]
    [InlineData("RFC 9110 §5.5: OWS around the key is not part of it", "websocket", "Sec-WebSocket-Key", " dGhlIHNhbXBsZSBub25jZQ==\t")]
    [InlineData("RFC 9110 §5.5: OWS around the version is not part of it", "websocket", "Sec-WebSocket-Version", " 13 ")]
    public void Rfc6455_4_2_1_ValidHandshakeVariants_AreAccepted(string rule, string upgrade, string header, string value)
    {
        TestRequest request = TestRequest.WebSocket()
            .With(UpgradeRequestHeader.Upgrade, upgrade)
            .With(HeaderNamed(header), value);

        UpgradeDecision decision = Negotiator().Negotiate(request);

        Expect.Decision(rule, decision, UpgradeOutcome.Accept, 101, UpgradeReason.None);
        Expect.Value(rule, TestRequest.SampleAccept, decision.GetWebSocketAccept(), "Sec-WebSocket-Accept");
        Expect.Value(rule, "websocket", decision.Upgrade, "Upgrade");
    }

    [Theory]
    [InlineData("RFC 6455 §4.1 item 2: the method MUST be GET", "POST")]
    [InlineData("RFC 6455 §4.1 item 2: the method MUST be GET", "PUT")]
    [InlineData("RFC 6455 §4.1 item 2: the method MUST be GET", "CONNECT")]
    [InlineData("RFC 6455 §4.1 item 2: the method MUST be GET", "HEAD")]
    [InlineData("RFC 9110 §9.1: the method token is case-sensitive", "get")]
    public void Rfc6455_4_1_NonGet_IsRejected405WithAllowGet(string rule, string method)
    {
        foreach (UpgradeNegotiator negotiator in new[] { Negotiator(), Negotiator(requireUpgrade: true) })
        {
            UpgradeDecision decision = negotiator.Negotiate(TestRequest.WebSocket(method));

            Expect.Decision(rule, decision, UpgradeOutcome.Reject, 405, UpgradeReason.MethodNotAllowed);
            Expect.Value(rule, "GET", decision.Allow, "Allow");
            Assert.Null(decision.Registration);
            Assert.False(decision.HasWebSocketAccept);
            Assert.Equal([new("Allow", "GET")], decision.HandshakeFields());
        }
    }

    [Theory]
    [InlineData("RFC 6455 §4.2.1 item 6: Sec-WebSocket-Version is required")]
    [InlineData("RFC 6455 §4.4: a version the server does not speak", "8")]
    [InlineData("RFC 6455 §4.4: a version the server does not speak", "14")]
    [InlineData("RFC 6455 §11.3.5: the version is 1*DIGIT without leading zeros", "013")]
    [InlineData("RFC 6455 §11.3.5: the version is 1*DIGIT", "13.0")]
    [InlineData("RFC 6455 §11.3.5: the version is 1*DIGIT", "")]
    [InlineData("RFC 6455 §11.3.5: the request carries one version, not a list", "13, 8")]
    [InlineData("RFC 6455 §11.3.5: the field MUST NOT appear more than once in a request", "13", "13")]
    public void Rfc6455_4_4_UnsupportedVersion_IsRejected426ListingSupportedVersions(string rule, params string[] versionLines)
    {
        TestRequest request = TestRequest.WebSocket().Without(UpgradeRequestHeader.SecWebSocketVersion);
        if (versionLines.Length > 0)
        {
            request.With(UpgradeRequestHeader.SecWebSocketVersion, versionLines);
        }

        UpgradeDecision decision = Negotiator().Negotiate(request);

        Expect.Decision(rule, decision, UpgradeOutcome.Reject, 426, UpgradeReason.UnsupportedWebSocketVersion);
        Expect.Value(rule, "13", decision.SecWebSocketVersion, "Sec-WebSocket-Version");
        Expect.Value(rule, "websocket", decision.Upgrade, "Upgrade");
        Assert.True(decision.ConnectionUpgrade);
        Assert.Equal(
        [
            new("Connection", "Upgrade"),
            new("Upgrade", "websocket"),
            new("Sec-WebSocket-Version", "13"),
        ],
        decision.HandshakeFields());
    }

    [Fact]
    public void Rfc6455_4_4_Version426_ListsEveryRegisteredVersion_AndEachVersionSelectsItsHandler()
    {
        UpgradeRegistration current = Registrations.Create("websocket", "13", handler: "Current");
        UpgradeRegistration legacy = Registrations.Create("websocket", "8, 7", handler: "Legacy");
        UpgradeNegotiator negotiator = Registrations.Negotiator(current, legacy);

        UpgradeDecision rejected = negotiator.Negotiate(TestRequest.WebSocket().With(UpgradeRequestHeader.SecWebSocketVersion, "9"));
        Expect.Decision("RFC 6455 §4.4", rejected, UpgradeOutcome.Reject, 426, UpgradeReason.UnsupportedWebSocketVersion);
        Assert.Equal(FieldValues.AsSet("13, 8, 7"), FieldValues.AsSet(rejected.SecWebSocketVersion));

        UpgradeDecision accepted = negotiator.Negotiate(TestRequest.WebSocket().With(UpgradeRequestHeader.SecWebSocketVersion, "7"));
        Expect.Decision("RFC 6455 §4.2.2", accepted, UpgradeOutcome.Accept, 101, UpgradeReason.None);
        Assert.Same(legacy, accepted.Registration);
        Assert.Equal("7", accepted.Version);

        Assert.Same(current, negotiator.Negotiate(TestRequest.WebSocket()).Registration);
    }

    [Fact]
    public void Rfc6455_4_1_RegistrationWithoutVersions_SpeaksVersion13Only()
    {
        UpgradeNegotiator negotiator = Registrations.Negotiator(Registrations.Create("websocket"));

        UpgradeDecision accepted = negotiator.Negotiate(TestRequest.WebSocket());
        Expect.Decision("RFC 6455 §4.1 item 9", accepted, UpgradeOutcome.Accept, 101, UpgradeReason.None);
        Assert.Equal("13", accepted.Version);

        UpgradeDecision rejected = negotiator.Negotiate(TestRequest.WebSocket().With(UpgradeRequestHeader.SecWebSocketVersion, "8"));
        Expect.Decision("RFC 6455 §4.4", rejected, UpgradeOutcome.Reject, 426, UpgradeReason.UnsupportedWebSocketVersion);
        Assert.Equal("13", rejected.SecWebSocketVersion);
    }

    [Fact]
    public void Rfc6455_4_2_1_MissingKey_IsRejected400()
    {
        UpgradeDecision decision = Negotiator().Negotiate(TestRequest.WebSocket().Without(UpgradeRequestHeader.SecWebSocketKey));

        Expect.Decision("RFC 6455 §4.2.1 item 5", decision, UpgradeOutcome.Reject, 400, UpgradeReason.MissingWebSocketKey);
        Assert.False(decision.ConnectionUpgrade);
        Assert.Empty(decision.HandshakeFields());
    }

    [Fact]
    public void Rfc6455_11_3_1_KeyOnTwoFieldLines_IsRejected400()
    {
        TestRequest request = TestRequest.WebSocket().With(UpgradeRequestHeader.SecWebSocketKey, TestRequest.SampleKey, TestRequest.SampleKey);

        Expect.Decision("RFC 6455 §11.3.1", Negotiator().Negotiate(request), UpgradeOutcome.Reject, 400, UpgradeReason.DuplicateWebSocketKey);
    }

    [Theory]
    [InlineData("RFC 6455 §4.1 item 7: 16 bytes base64-encoded are 24 characters", "dGhlIHNhbXBsZSBub25jZQ=")]
    [InlineData("RFC 6455 §4.1 item 7: 16 bytes base64-encoded are 24 characters", "dGhlIHNhbXBsZSBub25jZQ===")]
    [InlineData("RFC 6455 §4.1 item 7: the key is base64, not 16 raw characters", "0123456789abcdef")]
    [InlineData("RFC 6455 §4.1 item 7: the key is base64", "!!!!!!!!!!!!!!!!!!!!!!!!")]
    [InlineData("RFC 6455 §4.1 item 7: the key is base64 (RFC 4648 §4 alphabet, not base64url)", "dGhlIHNhbXBsZSBub25jZQ-_")]
    [InlineData("RFC 6455 §4.1 item 7: 24 characters that decode to 18 bytes", "AAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("RFC 6455 §4.1 item 7: 24 characters that decode to 17 bytes", "AAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("RFC 6455 §4.1 item 7: whitespace inside the key", "dGhlIHNhbXBs ZSBub25jZQ==")]
    [InlineData("RFC 6455 §4.1 item 7: whitespace inside the key", "dGhlIHNhbXBsZSBub25jZQ =")]
    [InlineData("RFC 6455 §4.1 item 7: a tab inside the key", "dGhlIHNhbXBsZSBub25jZQ\t=")]
    [InlineData("RFC 6455 §4.1 item 7: a line break inside the key", "dGhlIHNhbXBsZSBu\r\nb25jZQ==")]
    [InlineData("RFC 6455 §11.3.1: the key is one value, not a list", "dGhlIHNhbXBsZSBub25jZQ==, dGhlIHNhbXBsZSBub25jZQ==")]
    [InlineData("RFC 6455 §4.1 item 7: an empty key", "")]
    [InlineData("RFC 6455 §4.1 item 7: non-ASCII", "dGhlIHNhbXBsZSBub25jZQ\u00E9=")]
    public void Rfc6455_4_1_InvalidKey_IsRejected400(string rule, string key)
    {
        UpgradeDecision decision = Negotiator().Negotiate(TestRequest.WebSocket().With(UpgradeRequestHeader.SecWebSocketKey, key));

        Expect.Decision(rule, decision, UpgradeOutcome.Reject, 400, UpgradeReason.InvalidWebSocketKey);
        Assert.False(WebSocketHandshake.IsValidKey(key));
        Assert.Throws<ArgumentException>(() => WebSocketHandshake.ComputeAccept(key));
    }

    [Theory]
    [InlineData("RFC 9112 §6.2: Content-Length announces content", "5", null)]
    [InlineData("RFC 9112 §6.1: Transfer-Encoding announces content", null, "chunked")]
    [InlineData("RFC 9112 §6.3: Transfer-Encoding overrides Content-Length: 0", "0", "chunked")]
    [InlineData("RFC 9112 §6.2: a Content-Length other than 0 on a later field line", "0|5", null)]
    public void Rfc6455_4_1_HandshakeWithContent_IsRejected400(string rule, string? contentLength, string? transferEncoding)
    {
        TestRequest request = TestRequest.WebSocket();
        if (contentLength is not null)
        {
            request.With(UpgradeRequestHeader.ContentLength, contentLength.Split('|'));
        }

        if (transferEncoding is not null)
        {
            request.With(UpgradeRequestHeader.TransferEncoding, transferEncoding);
        }

        Expect.Decision(rule, Negotiator().Negotiate(request), UpgradeOutcome.Reject, 400, UpgradeReason.RequestHasContent);
    }

    [Fact]
    public void Rfc6455_4_2_1_ContentLengthZero_IsAccepted()
    {
        Expect.Decision(
            "RFC 9112 §6.2: Content-Length: 0 is no content",
            Negotiator().Negotiate(TestRequest.WebSocket().With(UpgradeRequestHeader.ContentLength, "0")),
            UpgradeOutcome.Accept,
            101,
            UpgradeReason.None);
        Expect.Decision(
            "RFC 9112 §6.2: Content-Length: 0 on two field lines is no content",
            Negotiator().Negotiate(TestRequest.WebSocket().With(UpgradeRequestHeader.ContentLength, "0", " 0 ")),
            UpgradeOutcome.Accept,
            101,
            UpgradeReason.None);
    }

    [Theory]
    [InlineData("method comes first, before version and key", "POST", "99", "bad", null, null, 405, UpgradeReason.MethodNotAllowed)]
    [InlineData("method comes before content", "POST", "13", TestRequest.SampleKey, "5", null, 405, UpgradeReason.MethodNotAllowed)]
    [InlineData("method comes before a missing key and bad subprotocols", "PUT", null, null, "5", "a b", 405, UpgradeReason.MethodNotAllowed)]
    [InlineData("content comes before version", "GET", "99", TestRequest.SampleKey, "5", null, 400, UpgradeReason.RequestHasContent)]
    [InlineData("version comes before a bad key", "GET", "99", "bad", null, null, 426, UpgradeReason.UnsupportedWebSocketVersion)]
    [InlineData("version comes before a missing key", "GET", null, null, null, null, 426, UpgradeReason.UnsupportedWebSocketVersion)]
    [InlineData("key comes before subprotocols", "GET", "13", "bad", null, "a b", 400, UpgradeReason.InvalidWebSocketKey)]
    [InlineData("a missing key comes before subprotocols", "GET", "13", null, null, "a b", 400, UpgradeReason.MissingWebSocketKey)]
    [InlineData("subprotocols come last", "GET", "13", TestRequest.SampleKey, null, "a b", 400, UpgradeReason.MalformedSubProtocol)]
    public void FixedCheckOrder_ASeveralFaultRequestAlwaysGetsTheSameAnswer(
        string rule, string method, string? version, string? key, string? contentLength, string? subProtocols, int status, UpgradeReason reason)
    {
        var request = new TestRequest(method)
            .With(UpgradeRequestHeader.Host, "server.example.com")
            .With(UpgradeRequestHeader.Connection, "Upgrade")
            .With(UpgradeRequestHeader.Upgrade, "websocket");
        if (version is not null)
        {
            request.With(UpgradeRequestHeader.SecWebSocketVersion, version);
        }

        if (key is not null)
        {
            request.With(UpgradeRequestHeader.SecWebSocketKey, key);
        }

        if (contentLength is not null)
        {
            request.With(UpgradeRequestHeader.ContentLength, contentLength);
        }

        if (subProtocols is not null)
        {
            request.With(UpgradeRequestHeader.SecWebSocketProtocol, subProtocols);
        }

        Expect.Decision(rule, Negotiator().Negotiate(request), UpgradeOutcome.Reject, status, reason);
        Expect.Decision(rule, Negotiator(requireUpgrade: true).Negotiate(request), UpgradeOutcome.Reject, status, reason);
    }

    [Fact]
    public void Rfc6455_4_1_WebSocketOfferWithAVersion_IsNotServed()
    {
        TestRequest request = TestRequest.WebSocket().With(UpgradeRequestHeader.Upgrade, "websocket/13");

        Expect.Decision("RFC 6455 §4.1 item 5: the token is 'websocket'", Negotiator().Negotiate(request), UpgradeOutcome.Ignore, 0, UpgradeReason.UnsupportedProtocolVersion);
        UpgradeDecision required = Negotiator(requireUpgrade: true).Negotiate(request);
        Expect.Decision("RFC 9110 §15.5.22", required, UpgradeOutcome.Reject, 426, UpgradeReason.UnsupportedProtocolVersion);
        Assert.Equal("websocket", required.Upgrade);
    }

    private static UpgradeRequestHeader HeaderNamed(string name) => name switch
    {
        "Connection" => UpgradeRequestHeader.Connection,
        "Sec-WebSocket-Key" => UpgradeRequestHeader.SecWebSocketKey,
        "Sec-WebSocket-Version" => UpgradeRequestHeader.SecWebSocketVersion,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };
}
