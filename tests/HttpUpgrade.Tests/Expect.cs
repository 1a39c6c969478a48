using System;
using System.Collections.Generic;
using System.Linq;
using HttpUpgrade.Testing;
using Xunit;

namespace HttpUpgrade.Tests;

/// <summary>Assertions whose failure names the rule a table row checks.</summary>
internal static class Expect
{
    public static void Decision(string rule, UpgradeDecision decision, UpgradeOutcome outcome, int statusCode, UpgradeReason reason)
    {
        if (decision.Outcome != outcome || decision.StatusCode != statusCode || decision.Reason != reason)
        {
            Assert.Fail($"{rule}: expected {outcome} {statusCode} {reason}, got {decision.Outcome} {decision.StatusCode} {decision.Reason}.");
        }
    }

    public static void Value(string rule, string? expected, string? actual, string what)
    {
        if (!string.Equals(expected, actual, StringComparison.Ordinal))
        {
            Assert.Fail($"{rule}: expected {what} '{expected ?? "(none)"}', got '{actual ?? "(none)"}'.");
        }
    }

    /// <summary>
    /// Two <c>Sec-WebSocket-Extensions</c> values agree on what RFC 6455 §9.1 and RFC 7692 §7 fix: the same extensions in
    /// the same order, each with the same set of parameters, in whatever order they are written.
    /// </summary>
    public static void Extensions(string rule, string? expected, string? actual)
    {
        bool same;
        try
        {
            same = (expected is null) == (actual is null) && ExtensionList.Parse(expected).Equals(ExtensionList.Parse(actual));
        }
        catch (FormatException exception)
        {
            same = false;
            rule += $" ({exception.Message})";
        }

        if (!same)
        {
            Assert.Fail($"{rule}: expected Sec-WebSocket-Extensions '{expected ?? "(none)"}', got '{actual ?? "(none)"}'.");
        }
    }
}

/// <summary>What the protocol rules put in a response, apart from the framing of its text body.</summary>
internal static class DecisionFields
{
    /// <summary>
    /// The decision's response fields less <c>Content-Type</c> and <c>Content-Length</c>, which describe the body of every
    /// rejection alike, and less the <c>close</c> connection option, which every refusal of an upgrade request carries
    /// (<see cref="UpgradeDecisionTests"/> checks those once).
    /// </summary>
    public static KeyValuePair<string, string>[] HandshakeFields(this UpgradeDecision decision)
        => decision.ResponseFields
            .Where(static field => field.Key is not ("Content-Type" or "Content-Length") && !(field.Key == "Connection" && field.Value == "close"))
            .Select(static field => field.Key == "Connection" && field.Value == "Upgrade, close" ? new KeyValuePair<string, string>("Connection", "Upgrade") : field)
            .ToArray();
}
