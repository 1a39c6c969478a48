using System;
using System.Collections.Generic;
using Xunit;

namespace HttpUpgrade.Tests;

/// <summary>The response each decision calls for, as <see cref="UpgradeDecision.GetResponseHeaders"/> lists it.</summary>
public sealed class UpgradeDecisionTests
{
    private static readonly UpgradeNegotiator Negotiator = Registrations.RequiringNegotiator(
        Registrations.Create("websocket", "13, 8", "chat", "ChatHandler"),
        Registrations.Create("echo", "1", handler: "EchoHandler"));

    [Fact]
    public void Rfc6455_4_2_2_WebSocketAccept_Has101Headers()
    {
        UpgradeDecision decision = Negotiator.Negotiate(TestRequest.WebSocket().With(UpgradeRequestHeader.SecWebSocketProtocol, "chat"));

        Assert.Equal(
        [
            new("Connection", "Upgrade"),
            new("Upgrade", "websocket"),
            new("Sec-WebSocket-Accept", TestRequest.SampleAccept),
            new("Sec-WebSocket-Protocol", "chat"),
        ],
        decision.HandshakeFields());
        Assert.Equal("101 websocket", decision.ToString());
        Assert.Equal("Switching protocols.", decision.Message);
    }

    [Fact]
    public void Rfc9110_7_8_RawAccept_Has101Headers()
    {
        UpgradeDecision decision = Negotiator.Negotiate(TestRequest.Raw("echo/1"));

        Assert.Equal([new("Connection", "Upgrade"), new("Upgrade", "echo/1")], decision.HandshakeFields());
        Assert.Equal("101 echo/1", decision.ToString());
        Span<char> accept = stackalloc char[UpgradeDecision.WebSocketAcceptLength];
        Assert.False(decision.TryCopyWebSocketAccept(accept));
    }

    [Fact]
    public void Rfc9110_15_5_6_MethodNotAllowed_ListsAllow()
    {
        UpgradeDecision decision = Negotiator.Negotiate(TestRequest.WebSocket("POST"));

        Assert.Equal([new("Allow", "GET")], decision.HandshakeFields());
        Assert.Equal("405 MethodNotAllowed", decision.ToString());
        Assert.Equal("A WebSocket handshake must use the GET method.", decision.Message);
    }

    [Fact]
    public void Rfc6455_4_4_UnsupportedVersion426_ListsSupportedVersions()
    {
        UpgradeDecision decision = Negotiator.Negotiate(TestRequest.WebSocket().With(UpgradeRequestHeader.SecWebSocketVersion, "7"));

        Assert.Equal(
        [
            new("Connection", "Upgrade"),
            new("Upgrade", "websocket"),
            new("Sec-WebSocket-Version", "13, 8"),
        ],
        decision.HandshakeFields());
        Assert.Equal("426 UnsupportedWebSocketVersion", decision.ToString());
    }

    [Fact]
    public void Rfc9110_15_5_22_UpgradeRequired_ListsRegisteredProtocols()
    {
        UpgradeDecision decision = Negotiator.Negotiate(new TestRequest());

        Assert.Equal([new("Connection", "Upgrade"), new("Upgrade", "websocket, echo/1")], decision.HandshakeFields());
        Assert.Equal("426 NotAnUpgrade", decision.ToString());
        Assert.Contains("Upgrade", decision.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rfc9113_8_2_2_UpgradeRequiredOverHttp2_HasNoConnectionSpecificFields()
    {
        UpgradeDecision decision = Negotiator.Negotiate(TestRequest.WebSocket(httpVersion: UpgradeHttpVersion.Http2));

        Assert.Equal(426, decision.StatusCode);
        Assert.Empty(decision.HandshakeFields());
    }

    [Fact]
    public void BadRequest_HasNoHeaders()
    {
        UpgradeDecision decision = Negotiator.Negotiate(TestRequest.WebSocket().With(UpgradeRequestHeader.SecWebSocketKey, "short"));

        Assert.Equal(400, decision.StatusCode);
        Assert.Empty(decision.HandshakeFields());
        Assert.Equal("400 InvalidWebSocketKey", decision.ToString());
    }

    [Fact]
    public void Ignore_AndDefault_CallForNothing()
    {
        UpgradeDecision ignored = Registrations.Negotiator(Registrations.Create("echo")).Negotiate(new TestRequest());

        Assert.Equal(UpgradeOutcome.Ignore, ignored.Outcome);
        Assert.Empty(ignored.HandshakeFields());
        Assert.Equal("Ignore (NotAnUpgrade)", ignored.ToString());

        UpgradeDecision none = default;
        Assert.Equal(UpgradeOutcome.Ignore, none.Outcome);
        Assert.Equal(0, none.StatusCode);
        Assert.False(none.HasWebSocketAccept);
        Assert.Null(none.GetWebSocketAccept());
        Assert.Empty(none.HandshakeFields());
    }

    [Fact]
    public void TryCopyWebSocketAccept_NeedsRoomForTheWholeValue()
    {
        UpgradeDecision decision = Negotiator.Negotiate(TestRequest.WebSocket().With(UpgradeRequestHeader.SecWebSocketProtocol, "chat"));

        Span<char> tooShort = stackalloc char[UpgradeDecision.WebSocketAcceptLength - 1];
        Assert.False(decision.TryCopyWebSocketAccept(tooShort));
        Span<char> exact = stackalloc char[UpgradeDecision.WebSocketAcceptLength];
        Assert.True(decision.TryCopyWebSocketAccept(exact));
        Assert.Equal(TestRequest.SampleAccept, exact.ToString());
    }

    [Fact]
    public void EveryReason_HasItsOwnMessage()
    {
        var messages = new HashSet<string>(StringComparer.Ordinal);
        foreach (UpgradeReason reason in Enum.GetValues<UpgradeReason>())
        {
            string message = UpgradeResponses.Message(reason);
            Assert.EndsWith(".", message, StringComparison.Ordinal);
            Assert.True(messages.Add(message), $"{reason} shares its message with another reason.");
        }
    }
}
