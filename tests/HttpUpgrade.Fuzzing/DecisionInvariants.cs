using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;

namespace HttpUpgrade.Fuzzing;

/// <summary>A rule the library broke on some input: what a harness reports to the fuzzer as a crash.</summary>
public sealed class InvariantViolationException(string message) : Exception(message);

/// <summary>
/// What must hold of every decision, whatever the request: checked by the negotiator harness on each input and by the
/// property tests on each generated head.
/// </summary>
public static class DecisionInvariants
{
    private static readonly HashSet<int> s_rejectStatuses = [400, 403, 405, 417, 426, 500, 503];

    /// <summary>Throws <see cref="InvariantViolationException"/> when <paramref name="decision"/> breaks a rule for <paramref name="head"/>.</summary>
    public static void Check(RequestHead head, UpgradeNegotiator negotiator, UpgradeDecision decision)
    {
        // Reading every part of the decision is part of the check: none of it may throw.
        List<KeyValuePair<string, string>> fields = [.. decision.ResponseFields];
        _ = decision.Message;
        _ = decision.Body;
        _ = decision.ToString();

        switch (decision.Outcome)
        {
            case UpgradeOutcome.Accept:
                CheckAccept(head, decision);
                break;
            case UpgradeOutcome.Reject:
                Require(s_rejectStatuses.Contains(decision.StatusCode), decision, $"a rejection has status {decision.StatusCode}");
                Require(decision.Registration is null && !decision.HasWebSocketAccept && decision.SubProtocol is null && !decision.Deflate.IsNegotiated, decision, "a rejection names a handler, an accept key, a subprotocol or an extension");
                Require(decision.Body.Length > 0, decision, "a rejection has no body");
                if (decision.Upgrade is not null)
                {
                    // RFC 9110 §15.5.22: a 426 lists what the server supports, and §7.8 lets any other response
                    // advertise it too (an upgrade-only endpoint does, for a TLS or h2c offer it cannot serve); the
                    // WebSocket 426 names websocket alone.
                    Require(decision.Upgrade == negotiator.AdvertisedProtocols || decision.Upgrade.Equals("websocket", StringComparison.OrdinalIgnoreCase), decision, "a 426 lists something other than the registered protocols");
                }

                if (head.HttpVersion is UpgradeHttpVersion.Http2 or UpgradeHttpVersion.Http3)
                {
                    // RFC 9113 §8.2.2: no connection-specific fields on HTTP/2 (and HTTP/3, RFC 9114 §4.2).
                    Require(decision.Upgrade is null, decision, "Upgrade or Connection in an HTTP/2 or HTTP/3 response");
                }

                break;
            default:
                Require(decision.Outcome == UpgradeOutcome.Ignore, decision, "an undefined outcome");
                Require(decision.StatusCode == 0 && fields.Count == 0 && decision.Registration is null, decision, "an ignored request carries a response");
                break;
        }
    }

    private static void CheckAccept(RequestHead head, UpgradeDecision decision)
    {
        UpgradeRegistration registration = decision.Registration ?? throw Violation(decision, "an accepted decision names no registration");
        Require(decision.Reason == UpgradeReason.None && decision.Body.Length == 0, decision, "an accepted decision has a reason or a body");

        // RFC 9110 §10.1.1: the only expectation an upgrade without content meets is 100-continue.
        Require(
            head.Lines(UpgradeRequestHeader.Expect).SelectMany(static line => line.Split(','))
                .Select(static element => element.Trim(' ', '\t'))
                .All(static element => element.Length == 0 || element.Equals("100-continue", System.StringComparison.OrdinalIgnoreCase)),
            decision,
            "accepted a request with an expectation other than 100-continue");

        if (decision.IsExtendedConnect)
        {
            // RFC 8441 §4: only a CONNECT carrying :protocol on HTTP/2 (RFC 9220: or HTTP/3); the answer is 200 on the stream.
            Require(head.HttpVersion is UpgradeHttpVersion.Http2 or UpgradeHttpVersion.Http3 && head.Method == "CONNECT", decision, "an extended CONNECT accepted on HTTP/1.x or another method");
            Require(decision.StatusCode == 200 && decision.Upgrade is null && !decision.HasWebSocketAccept, decision, "an extended CONNECT answered with 101 fields");
            IReadOnlyList<string> protocol = head.Lines(UpgradeRequestHeader.Protocol);
            Require(protocol.Count == 1 && Reference.IsUpgradeOffer(Reference.TrimOws(protocol[0]), out string name, out _) && name.Equals(registration.Name, StringComparison.OrdinalIgnoreCase), decision, "the tunnelled protocol is not the one :protocol names");
            Require(registration.Kind is UpgradeProtocolKind.WebSocket or UpgradeProtocolKind.Raw, decision, "TLS or h2c over a stream");
        }
        else
        {
            // RFC 9110 §7.8: only HTTP/1.1, only with the upgrade connection option.
            Require(head.HttpVersion == UpgradeHttpVersion.Http11, decision, "a 101 to a request that is not HTTP/1.1");
            Require(decision.StatusCode == 101 && decision.ConnectionUpgrade, decision, "an accepted upgrade is not a 101 with Connection: Upgrade");
            Require(Reference.Elements(head.Lines(UpgradeRequestHeader.Connection)).Any(o => o.Equals("upgrade", StringComparison.OrdinalIgnoreCase)), decision, "a 101 to a request without Connection: upgrade");
            CheckUpgradeWasOffered(head, decision, registration);
            Require(head.Lines(UpgradeRequestHeader.TransferEncoding).Count == 0, decision, "a 101 to a request with Transfer-Encoding");
            Require(head.Lines(UpgradeRequestHeader.ContentLength).All(l => Reference.TrimOws(l).Length > 0 && Reference.TrimOws(l).All(c => c == '0')), decision, "a 101 to a request with content");
            Require(head.Lines(UpgradeRequestHeader.Host).Count == 1 && Reference.TrimOws(head.Lines(UpgradeRequestHeader.Host)[0]).Length > 0, decision, "a 101 without exactly one Host (RFC 9112 §3.2)");
        }

        switch (registration.Kind)
        {
            case UpgradeProtocolKind.WebSocket:
                CheckWebSocket(head, decision, registration);
                break;
            case UpgradeProtocolKind.H2c:
                // RFC 7540 §3.2.1: exactly one HTTP2-Settings, a valid SETTINGS payload.
                IReadOnlyList<string> settings = head.Lines(UpgradeRequestHeader.Http2Settings);
                Require(settings.Count == 1 && Reference.DecodeBase64Url(settings[0]) is { } payload && payload.Length <= Http2Settings.MaxPayloadLength && Reference.IsSettingsPayload(payload), decision, "h2c accepted without one valid HTTP2-Settings");
                goto default;
            case UpgradeProtocolKind.Tls:
                // RFC 2817 §3: nothing to upgrade on a connection that is already secure.
                Require(!IsHttps(head), decision, "TLS accepted on an https request");
                goto default;
            default:
                Require(!decision.HasWebSocketAccept && decision.SubProtocol is null && !decision.Deflate.IsNegotiated, decision, "WebSocket fields on a non-WebSocket 101");
                break;
        }
    }

    /// <summary>RFC 9110 §7.8: the 101's Upgrade names one protocol the client offered (TLS: then HTTP/1.1 over it, RFC 2817 §3.3).</summary>
    private static void CheckUpgradeWasOffered(RequestHead head, UpgradeDecision decision, UpgradeRegistration registration)
    {
        List<string> offers = Reference.Elements(head.Lines(UpgradeRequestHeader.Upgrade));
        string upgrade = decision.Upgrade ?? throw Violation(decision, "a 101 without Upgrade");
        string switchedTo = upgrade;
        if (registration.Kind == UpgradeProtocolKind.Tls)
        {
            const string Layered = ", HTTP/1.1";
            Require(upgrade.EndsWith(Layered, StringComparison.Ordinal), decision, "a TLS 101 that does not name HTTP/1.1 over TLS");
            switchedTo = upgrade[..^Layered.Length];
        }

        // Protocol names compare case-insensitively (RFC 9110 §7.8); the 101 may spell them as registered.
        Require(offers.Any(o => o.Equals(switchedTo, StringComparison.OrdinalIgnoreCase)), decision, $"the 101 switches to '{switchedTo}', which the client did not offer (offers: {string.Join(" | ", offers)})");
        Require(Reference.IsUpgradeOffer(switchedTo, out string name, out _) && name.Equals(registration.Name, StringComparison.OrdinalIgnoreCase), decision, "the 101 names another protocol than its handler's");
    }

    private static void CheckWebSocket(RequestHead head, UpgradeDecision decision, UpgradeRegistration registration)
    {
        // RFC 6455 §4.2.2: the version answered is the one the client sent, and one the handler speaks.
        IReadOnlyList<string> versions = head.Lines(UpgradeRequestHeader.SecWebSocketVersion);
        Require(versions.Count == 1 && decision.Version == Reference.TrimOws(versions[0]), decision, "the WebSocket version is not the client's single Sec-WebSocket-Version");
        Require(registration.Versions.Count == 0 ? decision.Version == "13" : registration.Versions.Contains(decision.Version!), decision, "a version the handler does not speak");

        if (!decision.IsExtendedConnect)
        {
            // RFC 6455 §4.1 item 2: GET; §4.2.2 item 5.4: the accept key verifies.
            Require(head.Method == "GET", decision, "a WebSocket 101 to a method other than GET");
            IReadOnlyList<string> keys = head.Lines(UpgradeRequestHeader.SecWebSocketKey);
            Require(keys.Count == 1 && Reference.IsWebSocketKey(Reference.TrimOws(keys[0])), decision, "a WebSocket 101 without exactly one valid Sec-WebSocket-Key");
            Require(decision.GetWebSocketAccept() == Reference.WebSocketAccept(Reference.TrimOws(keys[0])), decision, $"Sec-WebSocket-Accept '{decision.GetWebSocketAccept()}' does not verify");
        }

        // RFC 6455 §4.2.2 item 5.4: a subprotocol the client offered, byte for byte, and one the handler declares.
        if (decision.SubProtocol is { } subProtocol)
        {
            Require(Reference.Elements(head.Lines(UpgradeRequestHeader.SecWebSocketProtocol)).Contains(subProtocol, StringComparer.Ordinal), decision, $"the subprotocol '{subProtocol}' was not offered");
            Require(registration.SubProtocols.Contains(subProtocol, StringComparer.Ordinal), decision, "the subprotocol is not the handler's");
        }

        // RFC 7692 §5: an extension only when offered, with a window the connection can run with.
        if (decision.Deflate.IsNegotiated)
        {
            Require(head.Lines(UpgradeRequestHeader.SecWebSocketExtensions).Any(l => l.Contains("permessage-deflate", StringComparison.Ordinal)), decision, "permessage-deflate answered but not offered");
            DeflateInvariants.CheckAnswer(decision.Deflate);
        }
    }

    private static bool IsHttps(RequestHead head)
        => head.Lines(UpgradeRequestHeader.Scheme) is [var scheme] && Reference.TrimOws(scheme).Equals("https", StringComparison.OrdinalIgnoreCase);

    /// <summary>Everything a host writes for <paramref name="decision"/>, as one string: equal strings, equal answers.</summary>
    public static string Describe(UpgradeDecision decision)
    {
        var text = new StringBuilder();
        text.Append(decision.Outcome).Append(' ').Append(decision.StatusCode).Append(' ').Append(decision.Reason)
            .Append(" handler=").Append(decision.Registration?.HandlerName)
            .Append(" version=").Append(decision.Version)
            .Append(" connect=").Append(decision.IsExtendedConnect);
        foreach ((string name, string value) in decision.ResponseFields)
        {
            text.Append(" | ").Append(name).Append(": ").Append(value);
        }

        return text.ToString();
    }

    private static void Require(bool condition, UpgradeDecision decision, string rule)
    {
        if (!condition)
        {
            throw Violation(decision, rule);
        }
    }

    private static void Require(bool condition, UpgradeDecision decision, [InterpolatedStringHandlerArgument(nameof(condition))] ref RuleMessage rule)
    {
        if (!condition)
        {
            throw Violation(decision, rule.ToStringAndClear());
        }
    }

    private static InvariantViolationException Violation(UpgradeDecision decision, string rule) => new($"{rule}: {Describe(decision)}");
}
