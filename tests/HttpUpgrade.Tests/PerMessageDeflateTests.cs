using System;
using System.Net.WebSockets;
using Xunit;

namespace HttpUpgrade.Tests;

/// <summary>RFC 7692: the server's side of permessage-deflate negotiation.</summary>
public sealed class PerMessageDeflateTests
{
    private static UpgradeNegotiator Negotiator(WebSocketDeflateOptions? deflate)
        => new(
            new TestRegistry(Registrations.Create("websocket", "13", handler: "PlainHandler")),
            new UpgradeNegotiatorOptions { WebSocketDeflate = deflate });

    [Theory]
    [InlineData("RFC 7692 §7: a bare offer is accepted as it is", "permessage-deflate", "permessage-deflate")]
    [InlineData("RFC 7692 §7: Chrome's offer; client_max_window_bits without a value needs no answer", "permessage-deflate; client_max_window_bits", "permessage-deflate")]
    [InlineData("RFC 7692 §7.1.1.1: an offered server_no_context_takeover MUST be in the response", "permessage-deflate; server_no_context_takeover", "permessage-deflate; server_no_context_takeover")]
    [InlineData("RFC 7692 §7.1.1.2: the client's own client_no_context_takeover is echoed", "permessage-deflate; client_no_context_takeover", "permessage-deflate; client_no_context_takeover")]
    [InlineData("RFC 7692 §7.1.2.1: an offered server_max_window_bits is answered with that value", "permessage-deflate; server_max_window_bits=10", "permessage-deflate; server_max_window_bits=10")]
    [InlineData("RFC 7692 §7.1.2.2: an offered client_max_window_bits value is taken", "permessage-deflate; client_max_window_bits=12", "permessage-deflate; client_max_window_bits=12")]
    [InlineData("RFC 6455 §9.1: a value may be a quoted-string", "permessage-deflate; server_max_window_bits=\"11\"", "permessage-deflate; server_max_window_bits=11")]
    [InlineData("RFC 9110 §5.6.4: a quoted-pair inside the quoted value", "permessage-deflate; server_max_window_bits=\"1\\1\"", "permessage-deflate; server_max_window_bits=11")]
    [InlineData("RFC 6455 §9.1: OWS around ';' and '='", "permessage-deflate ;\tserver_max_window_bits = 9 ; client_no_context_takeover", "permessage-deflate; client_no_context_takeover; server_max_window_bits=9")]
    [InlineData("RFC 7692 §5: another extension before is declined, the offer after taken", "x-webkit-deflate-frame, permessage-deflate", "permessage-deflate")]
    [InlineData("RFC 7692 §5: a declined offer falls through to the client's next", "permessage-deflate; server_max_window_bits=8, permessage-deflate; client_no_context_takeover", "permessage-deflate; client_no_context_takeover")]
    [InlineData("RFC 7692 §5: the first acceptable offer wins", "permessage-deflate; server_max_window_bits=10, permessage-deflate", "permessage-deflate; server_max_window_bits=10")]
    [InlineData("RFC 9110 §5.6.4: a comma inside a quoted-string does not end the element", "foo; a=\"x,permessage-deflate\", permessage-deflate", "permessage-deflate")]
    [InlineData("RFC 7692 §5: a malformed element is declined, the next is read", "permessage-deflate;;, permessage-deflate; server_no_context_takeover", "permessage-deflate; server_no_context_takeover")]
    public void Offer_IsAnsweredWithNoMoreThanWasOffered(string rule, string offer, string expected)
    {
        UpgradeDecision decision = Negotiator(new WebSocketDeflateOptions()).Negotiate(TestRequest.WebSocket().With(UpgradeRequestHeader.SecWebSocketExtensions, offer));

        Expect.Decision(rule, decision, UpgradeOutcome.Accept, 101, UpgradeReason.None);
        Expect.Extensions(rule, expected, decision.Deflate.ToHeaderValue());
        Expect.Extensions(rule, expected, Assert.Single(decision.HandshakeFields(), h => h.Key == "Sec-WebSocket-Extensions").Value);
    }

    [Theory]
    [InlineData("RFC 7692 §5: an unknown parameter", "permessage-deflate; foo")]
    [InlineData("RFC 7692 §5: an unknown parameter with a value", "permessage-deflate; client_max_window=10")]
    [InlineData("RFC 7692 §5: a repeated parameter", "permessage-deflate; server_no_context_takeover; server_no_context_takeover")]
    [InlineData("RFC 7692 §5: a repeated window parameter", "permessage-deflate; client_max_window_bits; client_max_window_bits=10")]
    [InlineData("RFC 7692 §7.1.1.1: server_no_context_takeover has no value", "permessage-deflate; server_no_context_takeover=1")]
    [InlineData("RFC 7692 §7.1.1.2: client_no_context_takeover has no value", "permessage-deflate; client_no_context_takeover=\"\"")]
    [InlineData("RFC 7692 §7.1.2.1: server_max_window_bits needs a value", "permessage-deflate; server_max_window_bits")]
    [InlineData("RFC 7692 §7.1.2.1: 8 bits is declined (zlib cannot honour it)", "permessage-deflate; server_max_window_bits=8")]
    [InlineData("RFC 7692 §7.1.2.1: above 15 bits", "permessage-deflate; server_max_window_bits=16")]
    [InlineData("RFC 7692 §7.1.2.2: below 9 bits", "permessage-deflate; client_max_window_bits=7")]
    [InlineData("RFC 7692 §7.1.2.1: no leading zeros", "permessage-deflate; server_max_window_bits=010")]
    [InlineData("RFC 7692 §7.1.2.1: a decimal integer", "permessage-deflate; server_max_window_bits=0xA")]
    [InlineData("RFC 7692 §7.1.2.1: a huge number", "permessage-deflate; server_max_window_bits=99999999999999999999")]
    [InlineData("RFC 6455 §9.1: an unterminated quoted-string", "permessage-deflate; server_max_window_bits=\"10")]
    [InlineData("RFC 6455 §9.1: an empty parameter name", "permessage-deflate; =10")]
    [InlineData("RFC 6455 §9.1: junk after a parameter", "permessage-deflate; server_no_context_takeover x")]
    [InlineData("RFC 7692 §7: the extension token is exact", "Permessage-Deflate")]
    [InlineData("RFC 7692 §7: a longer token is another extension", "permessage-deflate-x")]
    [InlineData("RFC 7692 §5: only other extensions", "x-webkit-deflate-frame, foo")]
    public void UnacceptableOffer_IsDeclined_AndTheHandshakeGoesOn(string rule, string offer)
    {
        UpgradeDecision decision = Negotiator(new WebSocketDeflateOptions()).Negotiate(TestRequest.WebSocket().With(UpgradeRequestHeader.SecWebSocketExtensions, offer));

        Expect.Decision(rule, decision, UpgradeOutcome.Accept, 101, UpgradeReason.None);
        Assert.False(decision.Deflate.IsNegotiated, rule);
        Assert.Null(decision.Deflate.ToDeflateOptions());
        Assert.DoesNotContain(decision.HandshakeFields(), h => h.Key == "Sec-WebSocket-Extensions");
    }

    [Fact]
    public void OffByDefault_EveryOfferIsDeclined()
    {
        UpgradeDecision decision = Negotiator(null).Negotiate(TestRequest.WebSocket().With(UpgradeRequestHeader.SecWebSocketExtensions, "permessage-deflate"));

        Assert.Equal(UpgradeOutcome.Accept, decision.Outcome);
        Assert.False(decision.Deflate.IsNegotiated);
        Assert.Null(new UpgradeNegotiatorOptions().WebSocketDeflate);
    }

    [Fact]
    public void TheOfferSpansFieldLines_InTheClientsOrder()
    {
        TestRequest request = TestRequest.WebSocket().With(UpgradeRequestHeader.SecWebSocketExtensions, "foo", "permessage-deflate; server_max_window_bits=12", "permessage-deflate");

        Expect.Extensions("RFC 9110 §5.3: the field lines are one list; its first acceptable offer is answered", "permessage-deflate; server_max_window_bits=12", Negotiator(new WebSocketDeflateOptions()).Negotiate(request).Deflate.ToHeaderValue());
    }

    [Theory]
    [InlineData("RFC 7692 §7.1.2.1: the server may name a smaller window unasked", "permessage-deflate", "permessage-deflate; server_max_window_bits=10", 15, 10)]
    [InlineData("RFC 7692 §7.1.2.1: the smaller of the server's and the client's windows", "permessage-deflate; server_max_window_bits=12", "permessage-deflate; server_max_window_bits=10", 15, 10)]
    [InlineData("RFC 7692 §7.1.2.1: the client's smaller window wins", "permessage-deflate; server_max_window_bits=9", "permessage-deflate; server_max_window_bits=9", 15, 9)]
    [InlineData("RFC 7692 §7.1.2.2: a client window only when the client offered the parameter", "permessage-deflate; client_max_window_bits", "permessage-deflate; server_max_window_bits=10; client_max_window_bits=11", 11, 10)]
    [InlineData("RFC 7692 §7.1.2.2: never a client window the client did not offer", "permessage-deflate", "permessage-deflate; server_max_window_bits=10", 15, 10)]
    [InlineData("RFC 7692 §7.1.2.2: the client's smaller offered window", "permessage-deflate; client_max_window_bits=9", "permessage-deflate; server_max_window_bits=10; client_max_window_bits=9", 9, 10)]
    public void ServerSettings_OnlyEverShrinkTheAgreement(string rule, string offer, string expected, int clientBits, int serverBits)
    {
        var server = new WebSocketDeflateOptions { ServerMaxWindowBits = 10, ClientMaxWindowBits = 11 };
        UpgradeDecision decision = Negotiator(server).Negotiate(TestRequest.WebSocket().With(UpgradeRequestHeader.SecWebSocketExtensions, offer));

        Expect.Extensions(rule, expected, decision.Deflate.ToHeaderValue());
        WebSocketDeflateOptions options = decision.Deflate.ToDeflateOptions()!;
        Assert.Equal(clientBits, options.ClientMaxWindowBits);
        Assert.Equal(serverBits, options.ServerMaxWindowBits);
        Assert.True(options.ClientContextTakeover);
        Assert.True(options.ServerContextTakeover);
    }

    [Fact]
    public void ServerSettings_NoContextTakeover_IsAnnounced_AndApplied()
    {
        var server = new WebSocketDeflateOptions { ServerContextTakeover = false, ClientContextTakeover = false };
        UpgradeDecision decision = Negotiator(server).Negotiate(TestRequest.WebSocket().With(UpgradeRequestHeader.SecWebSocketExtensions, "permessage-deflate"));

        Expect.Extensions("RFC 7692 §7.1.1: the server's own no-context-takeover settings are announced", "permessage-deflate; server_no_context_takeover; client_no_context_takeover", decision.Deflate.ToHeaderValue());
        WebSocketDeflateOptions options = decision.Deflate.ToDeflateOptions()!;
        Assert.False(options.ServerContextTakeover);
        Assert.False(options.ClientContextTakeover);
    }

    [Fact]
    public void PerHandler_OverridesTheNegotiatorWideSetting()
    {
        UpgradeRegistration compressed = Registrations.Create("websocket", "13", "zip", "Compressed");
        UpgradeRegistration plain = Registrations.Create("websocket", "13", "raw", "Plain");
        var chosen = new WebSocketDeflateOptions { ServerMaxWindowBits = 13 };
        var options = new UpgradeNegotiatorOptions { WebSocketDeflate = new WebSocketDeflateOptions() }
            .ForHandler<TestHandlers.Plain>(handler => handler.WebSocketDeflate = null)
            .ForHandler<TestHandlers.Compressed>(handler => handler.WebSocketDeflate = chosen);
        var negotiator = new UpgradeNegotiator(new TestRegistry(compressed, plain), options);

        // The negotiator keeps its own copy: changing the options afterwards changes nothing.
        chosen.ServerMaxWindowBits = 9;

        TestRequest offer(string subProtocol) => TestRequest.WebSocket()
            .With(UpgradeRequestHeader.SecWebSocketProtocol, subProtocol)
            .With(UpgradeRequestHeader.SecWebSocketExtensions, "permessage-deflate");
        Expect.Extensions("RFC 7692 §7.1.2.1: the registration's own window", "permessage-deflate; server_max_window_bits=13", negotiator.Negotiate(offer("zip")).Deflate.ToHeaderValue());
        Assert.False(negotiator.Negotiate(offer("raw")).Deflate.IsNegotiated);
    }

    [Fact]
    public void TryFormat_NeedsRoom_AndNotNegotiatedFormatsNothing()
    {
        UpgradeDecision decision = Negotiator(new WebSocketDeflateOptions { ServerContextTakeover = false })
            .Negotiate(TestRequest.WebSocket().With(UpgradeRequestHeader.SecWebSocketExtensions, "permessage-deflate; server_max_window_bits=9; client_max_window_bits=9; client_no_context_takeover"));
        const string Expected = "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9; client_max_window_bits=9";

        Span<char> buffer = stackalloc char[WebSocketDeflateParameters.MaxHeaderValueLength];
        Assert.True(decision.Deflate.TryFormat(buffer, out int written));
        Expect.Extensions("TryFormat writes the response value", Expected, buffer.Slice(0, written).ToString());
        Assert.Equal(decision.Deflate.ToHeaderValue(), buffer.Slice(0, written).ToString());
        Assert.False(decision.Deflate.TryFormat(buffer.Slice(0, written - 1), out _));
        Assert.False(default(WebSocketDeflateParameters).TryFormat(buffer, out _));
        Assert.Null(default(WebSocketDeflateParameters).ToHeaderValue());
    }
}
