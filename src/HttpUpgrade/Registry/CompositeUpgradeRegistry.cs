using System;
using System.Collections.Frozen;
using System.Collections.Generic;
using System.Linq;

namespace HttpUpgrade;

/// <summary>
/// Several registries (say, the app's and a class library's) composed into one. An app composes registries
/// explicitly; nothing scans assemblies.
/// </summary>
public sealed class CompositeUpgradeRegistry : IUpgradeRegistry
{
    private readonly UpgradeRegistration[] _registrations;
    private readonly FrozenDictionary<string, (int Start, int Count)>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    /// <summary>Composes <paramref name="registries"/>; for a shared name, earlier registries dispatch first.</summary>
    public CompositeUpgradeRegistry(IEnumerable<IUpgradeRegistry> registries)
    {
        ArgumentNullException.ThrowIfNull(registries);

        // Group by name (case-insensitively) keeping first-seen order, so each name's registrations stay adjacent.
        var groups = new List<(string Name, List<UpgradeRegistration> Items)>();
        var index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (IUpgradeRegistry registry in registries)
        {
            foreach (UpgradeRegistration registration in registry.Registrations)
            {
                if (!index.TryGetValue(registration.Name, out int group))
                {
                    group = groups.Count;
                    index.Add(registration.Name, group);
                    groups.Add((registration.Name, new List<UpgradeRegistration>()));
                }

                groups[group].Items.Add(registration);
            }
        }

        _registrations = groups.SelectMany(g => g.Items).ToArray();
        var ranges = new Dictionary<string, (int, int)>(StringComparer.OrdinalIgnoreCase);
        int start = 0;
        foreach ((string name, List<UpgradeRegistration> items) in groups)
        {
            ranges.Add(name, (start, items.Count));
            start += items.Count;
        }

        _lookup = ranges.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <inheritdoc />
    public IReadOnlyList<UpgradeRegistration> Registrations => _registrations;

    /// <inheritdoc />
    public ReadOnlySpan<UpgradeRegistration> Match(ReadOnlySpan<char> name)
        => _lookup.TryGetValue(name, out (int Start, int Count) range)
            ? new ReadOnlySpan<UpgradeRegistration>(_registrations, range.Start, range.Count)
            : default;
}
