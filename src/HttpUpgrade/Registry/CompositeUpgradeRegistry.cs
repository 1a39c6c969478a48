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
        : this(AllOf(registries))
    {
    }

    private CompositeUpgradeRegistry(IEnumerable<UpgradeRegistration> registrations)
    {
        // Group by name (case-insensitively) keeping first-seen order, so each name's registrations stay adjacent.
        var groups = new List<(string Name, List<UpgradeRegistration> Items)>();
        var index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (UpgradeRegistration registration in registrations)
        {
            if (!index.TryGetValue(registration.Name, out int group))
            {
                group = groups.Count;
                index.Add(registration.Name, group);
                groups.Add((registration.Name, new List<UpgradeRegistration>()));
            }

            groups[group].Items.Add(registration);
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

    /// <summary>
    /// The registrations of <paramref name="handlerTypes"/> alone, from <paramref name="registries"/>: what one endpoint
    /// serves when it names its handlers. A registration that two registries share is taken once.
    /// </summary>
    /// <exception cref="ArgumentException">A type has no registration in <paramref name="registries"/>.</exception>
    public static CompositeUpgradeRegistry Select(IEnumerable<IUpgradeRegistry> registries, IReadOnlyCollection<Type> handlerTypes)
    {
        ArgumentNullException.ThrowIfNull(handlerTypes);
        var selected = new List<UpgradeRegistration>();
        foreach (Type handlerType in handlerTypes)
        {
            ArgumentNullException.ThrowIfNull(handlerType, nameof(handlerTypes));
            bool found = false;
            foreach (UpgradeRegistration registration in AllOf(registries))
            {
                if (registration.HandlerType == handlerType)
                {
                    found = true;
                    if (!selected.Contains(registration))
                    {
                        selected.Add(registration);
                    }
                }
            }

            if (!found)
            {
                throw new ArgumentException(
                    $"'{(handlerType.FullName ?? handlerType.Name).Replace('+', '.')}' is not a registered upgrade handler. Mark it with [UpgradeProtocol] and register its assembly's handlers (AddUpgradeHandlers()).",
                    nameof(handlerTypes));
            }
        }

        return new CompositeUpgradeRegistry(selected);
    }

    /// <inheritdoc />
    public IReadOnlyList<UpgradeRegistration> Registrations => _registrations;

    private static IEnumerable<UpgradeRegistration> AllOf(IEnumerable<IUpgradeRegistry> registries)
    {
        ArgumentNullException.ThrowIfNull(registries);
        foreach (IUpgradeRegistry registry in registries)
        {
            foreach (UpgradeRegistration registration in registry.Registrations)
            {
                yield return registration;
            }
        }
    }

    /// <inheritdoc />
    public ReadOnlySpan<UpgradeRegistration> Match(ReadOnlySpan<char> name)
        => _lookup.TryGetValue(name, out (int Start, int Count) range)
            ? new ReadOnlySpan<UpgradeRegistration>(_registrations, range.Start, range.Count)
            : default;
}
