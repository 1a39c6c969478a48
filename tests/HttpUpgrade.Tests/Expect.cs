using System;
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
}
