using System;
using Xunit;

namespace HttpUpgrade.Tests;

/// <summary>RFC 6455 §4.2.2 item 5.4 and §11.3.4: the server selects at most one of the client's subprotocols.</summary>
public sealed class SubProtocolNegotiationTests
{
    private static readonly UpgradeRegistration Chat = Registrations.Create("websocket", "13", "chat.v2, chat.v1", "ChatHandler");

    [Theory]
    [InlineData("RFC 6455 §4.1 item 10: the client lists subprotocols in its order of preference", "chat.v1", "chat.v1, chat.v2")]
    [InlineData("RFC 6455 §4.1 item 10: the client lists subprotocols in its order of preference", "chat.v2", "chat.v2, chat.v1")]
    [InlineData("RFC 6455 §4.2.2 item 5.4: the first one the server speaks is selected", "chat.v1", "superchat, chat.v1, chat.v2")]
    [InlineData("RFC 9110 §5.3: the list may span several field lines", "chat.v1", "superchat", "chat.v1")]
    [InlineData("RFC 9110 §5.3: the list may span several field lines", "chat.v2", "superchat", "", "chat.v2, chat.v1")]
    [InlineData("RFC 9110 §5.6.1: OWS and empty elements are skipped", "chat.v2", " , chat.v2 ,\t")]
    [InlineData("RFC 6455 §4.2.2 item 5.4: none matching selects none", null, "superchat")]
    [InlineData("RFC 6455 §4.2.2 item 5.4: none matching selects none", null, "superchat, chat")]
    [InlineData("RFC 6455 §4.2.2 item 5.4: never a value the client did not send exactly", null, "CHAT.V1")]
    [InlineData("RFC 6455 §4.2.2 item 5.4: never a value the client did not send exactly", null, "chat.v")]
    [InlineData("RFC 6455 §4.2.2 item 5.4: never a value the client did not send exactly", null, "chat.v1x")]
    [InlineData("RFC 6455 §4.2.2 item 5.4: never an empty value", null, "", " , ")]
    [InlineData("RFC 6455 §4.1 item 10: without Sec-WebSocket-Protocol none is selected", null)]
    public void Rfc6455_4_2_2_SelectsTheClientsMostPreferredSubProtocolTheHandlerSpeaks(string rule, string? expected, params string[] clientLines)
    {
        TestRequest request = TestRequest.WebSocket();
        if (clientLines.Length > 0)
        {
            request.With(UpgradeRequestHeader.SecWebSocketProtocol, clientLines);
        }

        // With ServeWithoutSubProtocol the handler serves even when nothing is agreed, so every row shows what is selected.
        UpgradeDecision decision = ServingWithoutSubProtocol(Chat).Negotiate(request);

        Expect.Decision(rule, decision, UpgradeOutcome.Accept, 101, UpgradeReason.None);
        Expect.Value(rule, expected, decision.SubProtocol, "Sec-WebSocket-Protocol");
        Assert.Same(Chat, decision.Registration);

        // RFC 6455 §4.2.2 item 5.4: the server's value is one the client sent, byte for byte.
        if (decision.SubProtocol is not null)
        {
            Assert.Contains(decision.SubProtocol, string.Join(',', clientLines).Split(',', StringSplitOptions.TrimEntries));
        }

        Assert.Equal(expected is not null, ContainsHeader(decision, "Sec-WebSocket-Protocol"));
    }

    [Theory]
    [InlineData("RFC 6455 §4.1 item 10: each element MUST be a token; SP is not a tchar", "chat v1")]
    [InlineData("RFC 6455 §4.1 item 10: each element MUST be a token; '/' is not a tchar", "chat/1")]
    [InlineData("RFC 6455 §4.1 item 10: a valid element before does not excuse an invalid one", "chat.v1, \"chat\"")]
    [InlineData("RFC 6455 §4.1 item 10: an invalid element on a later field line", "chat.v1", "chat;q=1")]
    [InlineData("RFC 6455 §4.1 item 10: non-ASCII is not a token", "ch\u00E2t")]
    public void Rfc6455_4_1_NonTokenSubProtocol_IsRejected400(string rule, params string[] clientLines)
    {
        UpgradeDecision decision = Registrations.Negotiator(Chat).Negotiate(TestRequest.WebSocket().With(UpgradeRequestHeader.SecWebSocketProtocol, clientLines));

        Expect.Decision(rule, decision, UpgradeOutcome.Reject, 400, UpgradeReason.MalformedSubProtocol);
        Assert.Null(decision.SubProtocol);
    }

    [Theory]
    [InlineData("RFC 6455 §4.1 item 10: the client's first choice selects its handler", "Version2", "chat.v2", "chat.v2, chat.v1")]
    [InlineData("RFC 6455 §4.1 item 10: the client's first choice selects its handler", "Version1", "chat.v1", "chat.v1, chat.v2")]
    [InlineData("RFC 6455 §4.1 item 10: an unspoken first choice falls through to the next", "Version2", "chat.v2", "chat.v3, chat.v2")]
    [InlineData("ServeWithoutSubProtocol: none matching, the first handler serves without a subprotocol", "Version1", null, "chat.v3")]
    [InlineData("ServeWithoutSubProtocol: none requested, the first handler serves without a subprotocol", "Version1", null)]
    public void Rfc6455_4_2_2_TheClientsMostPreferredSubProtocolSelectsTheHandler(string rule, string handler, string? expected, params string[] clientLines)
    {
        UpgradeRegistration version1 = Registrations.Create("websocket", "13", "chat.v1", "Version1");
        UpgradeRegistration version2 = Registrations.Create("websocket", "13", "chat.v2", "Version2");
        TestRequest request = TestRequest.WebSocket();
        if (clientLines.Length > 0)
        {
            request.With(UpgradeRequestHeader.SecWebSocketProtocol, clientLines);
        }

        UpgradeDecision decision = ServingWithoutSubProtocol(version1, version2).Negotiate(request);

        Expect.Decision(rule, decision, UpgradeOutcome.Accept, 101, UpgradeReason.None);
        Expect.Value(rule, handler, decision.Registration?.HandlerType.Name, "handler");
        Expect.Value(rule, expected, decision.SubProtocol, "Sec-WebSocket-Protocol");
    }

    [Fact]
    public void Rfc6455_4_2_2_AHandlerThatDoesNotSpeakTheVersionIsNeverSelectedBySubProtocol()
    {
        UpgradeRegistration current = Registrations.Create("websocket", "13", handler: "Current");
        UpgradeRegistration legacy = Registrations.Create("websocket", "8", "chat", "Legacy");
        UpgradeNegotiator negotiator = Registrations.Negotiator(current, legacy);
        TestRequest request = TestRequest.WebSocket().With(UpgradeRequestHeader.SecWebSocketProtocol, "chat");

        UpgradeDecision version13 = negotiator.Negotiate(request);
        Assert.Same(current, version13.Registration);
        Assert.Null(version13.SubProtocol);
        Assert.Equal("13", version13.Version);

        UpgradeDecision version8 = negotiator.Negotiate(request.With(UpgradeRequestHeader.SecWebSocketVersion, "8"));
        Assert.Same(legacy, version8.Registration);
        Assert.Equal("chat", version8.SubProtocol);
        Assert.Equal("8", version8.Version);
    }

    [Theory]
    [InlineData("Reject (the default): only unknown subprotocols, and every handler requires one", "superchat")]
    [InlineData("Reject (the default): only unknown subprotocols on several field lines", "superchat", "mqtt")]
    [InlineData("Reject (the default): subprotocols that differ only in case are unknown", "CHAT.V1, Chat.V2")]
    [InlineData("Reject (the default): no Sec-WebSocket-Protocol, and every handler requires one")]
    [InlineData("Reject (the default): only empty elements offer nothing", " , ")]
    public void NoSubProtocolAgreed_EveryHandlerRequiresOne_IsRejected400ByDefault(string rule, params string[] clientLines)
    {
        UpgradeRegistration version1 = Registrations.Create("websocket", "13", "chat.v0", "Version1");
        TestRequest request = TestRequest.WebSocket();
        if (clientLines.Length > 0)
        {
            request.With(UpgradeRequestHeader.SecWebSocketProtocol, clientLines);
        }

        foreach (UpgradeNegotiator negotiator in new[] { Registrations.Negotiator(Chat, version1), Registrations.RequiringNegotiator(Chat, version1) })
        {
            UpgradeDecision decision = negotiator.Negotiate(request);

            Expect.Decision(rule, decision, UpgradeOutcome.Reject, 400, UpgradeReason.NoAcceptableSubProtocol);
            Assert.Null(decision.Registration);
            Assert.Null(decision.SubProtocol);
            Assert.False(decision.HasWebSocketAccept);
            Assert.Empty(decision.HandshakeFields());
        }
    }

    [Fact]
    public void UnmatchedSubProtocol_DefaultsToReject_AndRejectsUndefinedValues()
    {
        var options = new UpgradeNegotiatorOptions();
        Assert.Equal(UnmatchedSubProtocolBehavior.Reject, options.UnmatchedSubProtocol);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.UnmatchedSubProtocol = (UnmatchedSubProtocolBehavior)7);
    }

    [Fact]
    public void NoSubProtocolAgreed_RejectStillComesAfterTheOriginCheck()
    {
        TestRequest request = TestRequest.WebSocket().With(UpgradeRequestHeader.Origin, "https://evil.example");

        Expect.Decision("origin comes before subprotocols", Registrations.Negotiator(Chat).Negotiate(request), UpgradeOutcome.Reject, 403, UpgradeReason.OriginNotAllowed);
    }

    private static UpgradeNegotiator ServingWithoutSubProtocol(params UpgradeRegistration[] registrations)
        => new(new TestRegistry(registrations), new UpgradeNegotiatorOptions { UnmatchedSubProtocol = UnmatchedSubProtocolBehavior.ServeWithoutSubProtocol });

    private static bool ContainsHeader(UpgradeDecision decision, string name)
    {
        foreach (var header in decision.HandshakeFields())
        {
            if (header.Key == name)
            {
                return true;
            }
        }

        return false;
    }

    [Theory]
    [InlineData("no Sec-WebSocket-Protocol: the handler declaring no subprotocol serves it", null)]
    [InlineData("only unknown subprotocols: the handler declaring no subprotocol serves it", "superchat")]
    public void NoSubProtocolAgreed_PrefersTheHandlerThatDeclaresNone(string rule, string? clientLine)
    {
        // Registry order puts the subprotocol handler first, so the choice cannot come from order alone.
        UpgradeRegistration chat = Registrations.Create("websocket", "13", "chat.v1", "AChatHandler");
        UpgradeRegistration plain = Registrations.Create("websocket", "13", "", "ZPlainHandler");
        TestRequest request = TestRequest.WebSocket();
        if (clientLine is not null)
        {
            request.With(UpgradeRequestHeader.SecWebSocketProtocol, clientLine);
        }

        UpgradeDecision decision = Registrations.Negotiator(chat, plain).Negotiate(request);

        Expect.Decision(rule, decision, UpgradeOutcome.Accept, 101, UpgradeReason.None);
        Assert.Same(plain, decision.Registration);
        Assert.Null(decision.SubProtocol);
    }
}
