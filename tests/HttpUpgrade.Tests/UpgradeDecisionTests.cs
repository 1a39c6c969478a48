using System;
using System.Collections.Generic;
using System.Linq;
using HttpUpgrade.Testing;
using Xunit;

namespace HttpUpgrade.Tests;

/// <summary>The response each decision calls for, as <see cref="UpgradeDecision.ResponseFields"/> lists it.</summary>
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
        Expect.Decision("RFC 6455 §4.2.2", decision, UpgradeOutcome.Accept, 101, UpgradeReason.None);
    }

    [Fact]
    public void Rfc9110_7_8_RawAccept_Has101Headers()
    {
        UpgradeDecision decision = Negotiator.Negotiate(TestRequest.Raw("echo/1"));

        Assert.Equal([new("Connection", "Upgrade"), new("Upgrade", "echo/1")], decision.HandshakeFields());
        Expect.Decision("RFC 9110 §7.8", decision, UpgradeOutcome.Accept, 101, UpgradeReason.None);
        Span<char> accept = stackalloc char[UpgradeDecision.WebSocketAcceptLength];
        Assert.False(decision.TryCopyWebSocketAccept(accept));
    }

    [Fact]
    public void Rfc9110_15_5_6_MethodNotAllowed_ListsAllow()
    {
        UpgradeDecision decision = Negotiator.Negotiate(TestRequest.WebSocket("POST"));

        Assert.Equal([new("Allow", "GET")], decision.HandshakeFields());
        Expect.Decision("RFC 9110 §15.5.6", decision, UpgradeOutcome.Reject, 405, UpgradeReason.MethodNotAllowed);
    }

    [Fact]
    public void Rfc6455_4_4_UnsupportedVersion426_ListsSupportedVersions()
    {
        UpgradeDecision decision = Negotiator.Negotiate(TestRequest.WebSocket().With(UpgradeRequestHeader.SecWebSocketVersion, "7"));

        IReadOnlyList<KeyValuePair<string, string>> headers = decision.HandshakeFields();
        Assert.Equal(new[] { "Connection", "Upgrade", "Sec-WebSocket-Version" }, headers.Select(h => h.Key));
        Assert.Equal("Upgrade", headers[0].Value);
        Assert.Equal("websocket", headers[1].Value);

        // RFC 6455 §4.4 lists the versions in no particular order.
        Assert.Equal(FieldValues.AsSet("13, 8"), FieldValues.AsSet(headers[2].Value));
        Expect.Decision("RFC 6455 §4.4", decision, UpgradeOutcome.Reject, 426, UpgradeReason.UnsupportedWebSocketVersion);
    }

    [Fact]
    public void Rfc9110_15_5_22_UpgradeRequired_ListsRegisteredProtocols()
    {
        UpgradeDecision decision = Negotiator.Negotiate(new TestRequest());

        // RFC 9110 §7.8: the protocols in descending order of preference, so here the order is part of the answer.
        Assert.Equal([new("Connection", "Upgrade"), new("Upgrade", "websocket, echo/1")], decision.HandshakeFields());
        Expect.Decision("RFC 9110 §15.5.22", decision, UpgradeOutcome.Reject, 426, UpgradeReason.NotAnUpgrade);
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
        Expect.Decision("RFC 6455 §4.2.1 item 5", decision, UpgradeOutcome.Reject, 400, UpgradeReason.InvalidWebSocketKey);
    }

    [Fact]
    public void Ignore_AndDefault_CallForNothing()
    {
        UpgradeDecision ignored = Registrations.Negotiator(Registrations.Create("echo")).Negotiate(new TestRequest());

        Expect.Decision("RFC 9110 §7.8: no Upgrade, nothing to answer", ignored, UpgradeOutcome.Ignore, 0, UpgradeReason.NotAnUpgrade);
        Assert.Empty(ignored.HandshakeFields());

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

    [Theory]
    [InlineData(UpgradeReason.MalformedUpgrade, 400)]
    [InlineData(UpgradeReason.InvalidWebSocketKey, 400)]
    [InlineData(UpgradeReason.OriginNotAllowed, 403)]
    [InlineData(UpgradeReason.MethodNotAllowed, 405)]
    [InlineData(UpgradeReason.ExpectationFailed, 417)]
    [InlineData(UpgradeReason.NotAnUpgrade, 426)]
    [InlineData(UpgradeReason.UnsupportedWebSocketVersion, 426)]
    [InlineData(UpgradeReason.HostCannotUpgrade, 426)]
    [InlineData(UpgradeReason.HandlerUnavailable, 500)]
    [InlineData(UpgradeReason.ShuttingDown, 503)]
    [InlineData(UpgradeReason.SwitchFailed, 503)]
    [InlineData(UpgradeReason.ConnectionLimitReached, 503)]
    public void StatusCode_ComesFromTheReason(UpgradeReason reason, int statusCode)
        => Assert.Equal(statusCode, UpgradeResponses.StatusCode(reason));

    [Fact]
    public void EveryRejection_CarriesItsTextBody_DescribedByItsFields()
    {
        TestRequest[] requests =
        [
            new TestRequest(),
            TestRequest.WebSocket("POST"),
            TestRequest.WebSocket().With(UpgradeRequestHeader.SecWebSocketVersion, "7"),
            TestRequest.WebSocket().With(UpgradeRequestHeader.SecWebSocketKey, "short"),
            TestRequest.WebSocket().With(UpgradeRequestHeader.Origin, "https://evil.example"),
        ];

        foreach (TestRequest request in requests)
        {
            UpgradeDecision decision = Negotiator.Negotiate(request);
            Assert.Equal(UpgradeOutcome.Reject, decision.Outcome);

            byte[] body = decision.Body.ToArray();
            Assert.Equal(decision.Message + "\n", System.Text.Encoding.UTF8.GetString(body));
            Dictionary<string, string> fields = decision.ResponseFields.ToDictionary(f => f.Key, f => f.Value, StringComparer.OrdinalIgnoreCase);
            Assert.Equal("text/plain; charset=utf-8", fields["Content-Type"]);
            Assert.Equal(body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), fields["Content-Length"]);
            Assert.Equal(decision.ResponseFields.Count(), fields.Count);
        }
    }

    [Fact]
    public void Accepting_HasNoBody_AndNoContentFields()
    {
        UpgradeDecision decision = Negotiator.Negotiate(TestRequest.WebSocket().With(UpgradeRequestHeader.SecWebSocketProtocol, "chat"));

        Assert.True(decision.Body.IsEmpty);
        Assert.DoesNotContain(decision.ResponseFields, f => f.Key is "Content-Type" or "Content-Length");
        Assert.Equal(decision.HandshakeFields(), decision.GetResponseHeaders());
    }

    [Fact]
    public void HostRefusals_AreCompleteDecisions()
    {
        UpgradeDecision accepted = Negotiator.Negotiate(TestRequest.Raw("echo/1"));

        UpgradeDecision cannot = Negotiator.Refuse(accepted, UpgradeReason.HostCannotUpgrade);
        Expect.Decision("RFC 9110 §15.5.22: a host that cannot switch answers 426 with the protocols", cannot, UpgradeOutcome.Reject, 426, UpgradeReason.HostCannotUpgrade);
        Assert.Equal([new("Connection", "Upgrade"), new("Upgrade", "websocket, echo/1")], cannot.HandshakeFields());
        Assert.Null(cannot.Registration);

        foreach ((UpgradeReason reason, int status) in new[] { (UpgradeReason.ShuttingDown, 503), (UpgradeReason.ConnectionLimitReached, 503), (UpgradeReason.HandlerUnavailable, 500), (UpgradeReason.SwitchFailed, 503) })
        {
            UpgradeDecision refused = Negotiator.Refuse(accepted, reason);
            Expect.Decision(reason.ToString(), refused, UpgradeOutcome.Reject, status, reason);
            Assert.Empty(refused.HandshakeFields());
            Assert.False(refused.Body.IsEmpty);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => Negotiator.Refuse(accepted, UpgradeReason.InvalidHost));
        Assert.Throws<ArgumentException>(() => Negotiator.Refuse(Negotiator.Negotiate(new TestRequest()), UpgradeReason.ShuttingDown));
    }

    [Fact]
    public void ConnectionLimitReached_Is503WithRetryAfterInWholeSeconds_AndClosesTheConnection()
    {
        UpgradeDecision accepted = Negotiator.Negotiate(TestRequest.WebSocket().With(UpgradeRequestHeader.SecWebSocketProtocol, "chat"));

        // RFC 9110 §10.2.3: delay-seconds is a whole number; 2.1 s is rounded up so the client never comes back early.
        UpgradeDecision refused = Negotiator.Refuse(accepted, UpgradeReason.ConnectionLimitReached, TimeSpan.FromSeconds(2.1));
        Expect.Decision("RFC 9110 §15.6.4: an overloaded endpoint answers 503", refused, UpgradeOutcome.Reject, 503, UpgradeReason.ConnectionLimitReached);
        Assert.Equal(TimeSpan.FromSeconds(3), refused.RetryAfter);
        Assert.Equal(
            ["Connection", "Retry-After", "Content-Type", "Content-Length"],
            refused.ResponseFields.Select(field => field.Key).ToArray());
        Assert.Equal("close", refused.ResponseFields.Single(field => field.Key == "Connection").Value);
        Assert.Equal("3", refused.ResponseFields.Single(field => field.Key == "Retry-After").Value);
        Assert.Equal("3600", Negotiator.Refuse(accepted, UpgradeReason.SwitchFailed, TimeSpan.FromHours(1)).ResponseFields.Single(field => field.Key == "Retry-After").Value);

        // Without a delay, or without a refusal that calls for one, there is no field.
        Assert.Null(Negotiator.Refuse(accepted, UpgradeReason.ConnectionLimitReached).RetryAfter);
        Assert.DoesNotContain(Negotiator.Refuse(accepted, UpgradeReason.ConnectionLimitReached).ResponseFields, field => field.Key == "Retry-After");
        Assert.Null(accepted.RetryAfter);
    }

    [Fact]
    public void RetryAfter_IsOnlyFor503_AndNeverNegative()
    {
        UpgradeDecision accepted = Negotiator.Negotiate(TestRequest.Raw("echo/1"));

        // RFC 9110 §10.2.3 gives Retry-After a meaning on 503 and 3xx only.
        Assert.Throws<ArgumentOutOfRangeException>(() => Negotiator.Refuse(accepted, UpgradeReason.HandlerUnavailable, TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Negotiator.Refuse(accepted, UpgradeReason.HostCannotUpgrade, TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Negotiator.Refuse(accepted, UpgradeReason.ConnectionLimitReached, TimeSpan.FromSeconds(-1)));
        Assert.Equal(TimeSpan.Zero, Negotiator.Refuse(accepted, UpgradeReason.ShuttingDown, TimeSpan.Zero).RetryAfter);
    }

    [Theory]
    [InlineData("a bad key (400)", "websocket", UpgradeRequestHeader.SecWebSocketKey, "short", "close")]
    [InlineData("an unsupported version (426 with Upgrade)", "websocket", UpgradeRequestHeader.SecWebSocketVersion, "7", "Upgrade, close")]
    [InlineData("an unknown expectation (417)", "websocket", UpgradeRequestHeader.Expect, "fly", "close")]
    [InlineData("a malformed Upgrade (400)", "web socket", UpgradeRequestHeader.Host, "server.example.com", "close")]
    [InlineData("no registered protocol offered (426 with Upgrade)", "foo/1", UpgradeRequestHeader.Host, "server.example.com", "Upgrade, close")]
    public void RefusingAnUpgradeRequest_ClosesTheConnection(string rule, string upgrade, UpgradeRequestHeader header, string value, string connection)
    {
        TestRequest request = (upgrade == "websocket" ? TestRequest.WebSocket() : TestRequest.Raw(upgrade)).With(header, value);

        UpgradeDecision decision = Negotiator.Negotiate(request);

        Assert.True(decision.Outcome == UpgradeOutcome.Reject, rule);
        Assert.True(decision.CloseConnection, rule);
        Assert.Equal(connection, decision.ResponseFields.Single(field => field.Key == "Connection").Value);
    }

    [Fact]
    public void APlainRequestsUpgradeRequired_KeepsTheConnection()
    {
        UpgradeDecision decision = Negotiator.Negotiate(new TestRequest().With(UpgradeRequestHeader.Host, "server.example.com"));

        Expect.Decision("RFC 9110 §15.5.22: nothing was offered, so nothing of another protocol can follow", decision, UpgradeOutcome.Reject, 426, UpgradeReason.NotAnUpgrade);
        Assert.False(decision.CloseConnection);
        Assert.Equal("Upgrade", decision.ResponseFields.Single(field => field.Key == "Connection").Value);
    }
}
