using System;
using System.Runtime.CompilerServices;

namespace HttpUpgrade.Fuzzing;

/// <summary>
/// The one way the harnesses state a rule. The message of a rule that holds is never formatted: a harness checks
/// dozens of rules per input line, and formatting each message (some hold whole element lists) was most of its time.
/// </summary>
internal static class Rule
{
    public static void Require(bool condition, string rule)
    {
        if (!condition)
        {
            throw new InvariantViolationException(rule);
        }
    }

    public static void Require(bool condition, [InterpolatedStringHandlerArgument(nameof(condition))] ref RuleMessage rule)
    {
        if (!condition)
        {
            throw new InvariantViolationException(rule.ToStringAndClear());
        }
    }
}

/// <summary>Formats a rule's message only when the rule is broken.</summary>
[InterpolatedStringHandler]
internal ref struct RuleMessage
{
    private DefaultInterpolatedStringHandler _message;

    public RuleMessage(int literalLength, int formattedCount, bool condition, out bool shouldAppend)
    {
        shouldAppend = !condition;
        _message = shouldAppend ? new DefaultInterpolatedStringHandler(literalLength, formattedCount) : default;
    }

    public void AppendLiteral(string value) => _message.AppendLiteral(value);

    public void AppendFormatted<T>(T value) => _message.AppendFormatted(value);

    public void AppendFormatted(ReadOnlySpan<char> value) => _message.AppendFormatted(value);

    public string ToStringAndClear() => _message.ToStringAndClear();
}
