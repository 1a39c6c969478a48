using System;
using System.Collections.Generic;

namespace HttpUpgrade.Tests;

/// <summary>A hand-written registry: a linear scan over registrations that share a name only when adjacent.</summary>
internal sealed class TestRegistry : IUpgradeRegistry
{
    private readonly UpgradeRegistration[] _registrations;

    public TestRegistry(params UpgradeRegistration[] registrations) => _registrations = registrations;

    public IReadOnlyList<UpgradeRegistration> Registrations => _registrations;

    public ReadOnlySpan<UpgradeRegistration> Match(ReadOnlySpan<char> name)
    {
        for (int start = 0; start < _registrations.Length; start++)
        {
            if (name.Equals(_registrations[start].Name, StringComparison.OrdinalIgnoreCase))
            {
                int end = start + 1;
                while (end < _registrations.Length && name.Equals(_registrations[end].Name, StringComparison.OrdinalIgnoreCase))
                {
                    end++;
                }

                return _registrations.AsSpan(start, end - start);
            }
        }

        return default;
    }
}

/// <summary>Builds registrations from comma-separated lists, the way <c>[UpgradeProtocol]</c> spells them.</summary>
internal static class Registrations
{
    public static UpgradeRegistration Create(string name, string versions = "", string subProtocols = "", string handler = "Handler")
        => new(name, Split(versions), Split(subProtocols), handler, static _ => new object());

    public static UpgradeNegotiator Negotiator(params UpgradeRegistration[] registrations)
        => new(new TestRegistry(registrations));

    public static UpgradeNegotiator RequiringNegotiator(params UpgradeRegistration[] registrations)
        => new(new TestRegistry(registrations), new UpgradeNegotiatorOptions { RequireUpgrade = true });

    private static string[] Split(string list) => list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
