using System;
using System.Collections.Generic;

namespace HttpUpgrade;

/// <summary>
/// A dispatch table from protocol names to registrations. The HttpUpgrade generator implements it for each assembly
/// with a <c>switch</c> on the name's length and a case-insensitive compare: no dictionary, no reflection.
/// </summary>
public interface IUpgradeRegistry
{
    /// <summary>Every registration, grouped by name; registrations that share a name are adjacent.</summary>
    IReadOnlyList<UpgradeRegistration> Registrations { get; }

    /// <summary>
    /// The registrations for the protocol <paramref name="name"/> (compared case-insensitively), in dispatch order;
    /// empty when none is registered. <paramref name="name"/> has already been checked to be an RFC 9110 token.
    /// </summary>
    ReadOnlySpan<UpgradeRegistration> Match(ReadOnlySpan<char> name);
}
