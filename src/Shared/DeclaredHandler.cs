// What generated code makes of one class marked [UpgradeProtocol], decided once for the generator and the analyzers.
// Linked into both: the generator emits exactly the registrations this passes, and the analyzers report every one it
// skips, with the reason it gives (UPG001-UPG006, UPG010).
using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace HttpUpgrade;

/// <summary>The handler contracts a class implements.</summary>
[Flags]
internal enum HandlerContracts
{
    None = 0,

    /// <summary><c>IWebSocketHandler</c>: its <c>websocket</c> registrations hand it a WebSocket.</summary>
    WebSocketHandler = 1,

    /// <summary><c>IUpgradeHandler</c>: it owns the raw stream of any protocol, <c>websocket</c> included.</summary>
    UpgradeHandler = 2,
}

/// <summary>Why a registration of a handler is not emitted; <see cref="None"/> when it is.</summary>
internal enum RegistrationSkip
{
    None,

    /// <summary>The class itself is skipped: it implements no handler contract (UPG004) or cannot be constructed (UPG005).</summary>
    ClassSkipped,

    /// <summary>A token or list of the attribute is invalid, or it names HTTP/2 or HTTP/3 (UPG001, UPG002, UPG006, UPG010).</summary>
    Invalid,

    /// <summary>The class implements only <c>IWebSocketHandler</c> and the protocol is not <c>websocket</c> (UPG004).</summary>
    NeedsUpgradeHandler,

    /// <summary>It repeats a claim an earlier attribute of the same class makes (UPG003).</summary>
    Duplicate,
}

/// <summary>A class marked <c>[UpgradeProtocol]</c>: its contracts, the constructor generated code calls, and each registration's fate.</summary>
internal sealed class DeclaredHandler
{
    private DeclaredHandler(INamedTypeSymbol type, WellKnownTypes types, List<DeclaredRegistration> registrations, bool? constructible)
    {
        Type = type;
        Contracts = GetContracts(type, types);
        if (constructible is { } known)
        {
            IsConstructible = known;
        }
        else
        {
            Constructor = HandlerShapeRules.GetConstructor(type, out string? problem);
            ConstructorProblem = problem;
            IsConstructible = Constructor is not null;
        }

        Registrations = Judge(type, Contracts, IsConstructible, SortBySource(registrations));
    }

    public INamedTypeSymbol Type { get; }

    public HandlerContracts Contracts { get; }

    /// <summary>
    /// The constructor generated code calls; null when there is none (<see cref="ConstructorProblem"/> says why), or when
    /// the caller decided <see cref="IsConstructible"/> itself (<see cref="ReadConstructible"/>).
    /// </summary>
    public IMethodSymbol? Constructor { get; }

    /// <summary>What stops generated code constructing the class, and how to fix it (UPG005); null when nothing does or the caller decided.</summary>
    public string? ConstructorProblem { get; }

    /// <summary>Whether generated code can call a constructor of the class.</summary>
    public bool IsConstructible { get; }

    /// <summary>Whether generated code can use the class at all: it has a contract and a constructor to call.</summary>
    public bool IsUsable => Contracts != HandlerContracts.None && IsConstructible;

    /// <summary>Every <c>[UpgradeProtocol]</c> of the class that binds, in source order, each with whether it is emitted.</summary>
    public ImmutableArray<Entry> Registrations { get; }

    /// <summary>
    /// Reads <paramref name="type"/>'s <c>[UpgradeProtocol]</c> attributes, every part of a partial class included; null
    /// when it has none or the compilation cannot see the attribute.
    /// </summary>
    public static DeclaredHandler? Read(INamedTypeSymbol type, WellKnownTypes types, CancellationToken cancellationToken)
        => Read(type, types, constructible: null, cancellationToken);

    /// <summary>
    /// <see cref="Read(INamedTypeSymbol, WellKnownTypes, CancellationToken)"/> for a caller that has already decided, by
    /// the rules of <see cref="HandlerShapeRules.GetConstructor"/>, whether generated code can construct the class: the
    /// generator reads a class's constructor from syntax where it can, because asking the symbol for its constructors
    /// builds every member, and for a primary constructor binds every method body of the class (the compiler looks for
    /// captured parameters). <see cref="Constructor"/> stays null.
    /// </summary>
    public static DeclaredHandler? ReadConstructible(INamedTypeSymbol type, WellKnownTypes types, bool constructible, CancellationToken cancellationToken)
        => Read(type, types, (bool?)constructible, cancellationToken);

    private static DeclaredHandler? Read(INamedTypeSymbol type, WellKnownTypes types, bool? constructible, CancellationToken cancellationToken)
    {
        if (types.Get(WellKnownType.HttpUpgrade_UpgradeProtocolAttribute) is not { } attributeClass)
        {
            return null;
        }

        var registrations = new List<DeclaredRegistration>();
        bool marked = false;
        foreach (AttributeData attribute in type.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, attributeClass))
            {
                marked = true;
                if (DeclaredRegistration.Read(attribute) is { } registration)
                {
                    registrations.Add(registration);
                }
            }
        }

        if (!marked)
        {
            return null;
        }

        cancellationToken.ThrowIfCancellationRequested();
        return new DeclaredHandler(type, types, registrations, constructible);
    }

    /// <summary>The handler contracts <paramref name="type"/> implements, itself or through a base class, compared by symbol.</summary>
    public static HandlerContracts GetContracts(ITypeSymbol type, WellKnownTypes types)
    {
        HandlerContracts contracts = HandlerContracts.None;
        if (types.Implements(type, WellKnownType.HttpUpgrade_IWebSocketHandler))
        {
            contracts |= HandlerContracts.WebSocketHandler;
        }

        if (types.Implements(type, WellKnownType.HttpUpgrade_IUpgradeHandler))
        {
            contracts |= HandlerContracts.UpgradeHandler;
        }

        return contracts;
    }

    private static List<DeclaredRegistration> SortBySource(List<DeclaredRegistration> registrations)
    {
        if (registrations.Count < 2)
        {
            return registrations;
        }

        // A stable sort: attributes from metadata, which have no position, keep their order.
        var indexed = new List<(DeclaredRegistration Registration, int Index)>(registrations.Count);
        for (int i = 0; i < registrations.Count; i++)
        {
            indexed.Add((registrations[i], i));
        }

        indexed.Sort(static (x, y) =>
        {
            int order = DeclaredRegistration.CompareSourceOrder(x.Registration, y.Registration);
            return order != 0 ? order : x.Index.CompareTo(y.Index);
        });
        return indexed.ConvertAll(static entry => entry.Registration);
    }

    private static ImmutableArray<Entry> Judge(INamedTypeSymbol type, HandlerContracts contracts, bool constructible, List<DeclaredRegistration> registrations)
    {
        ImmutableArray<Entry>.Builder entries = ImmutableArray.CreateBuilder<Entry>(registrations.Count);
        var claimants = new List<Claimant<INamedTypeSymbol>>(registrations.Count);
        var claiming = new List<Entry>(registrations.Count);
        foreach (DeclaredRegistration registration in registrations)
        {
            // Each registration gets the first reason that applies, so that every reason can be reported at once: a
            // registration that needs IUpgradeHandler says so even while the class cannot be constructed.
            var entry = new Entry(registration, contracts == HandlerContracts.None ? RegistrationSkip.ClassSkipped
                : !registration.IsRegistrable ? RegistrationSkip.Invalid

                // An IWebSocketHandler is handed a WebSocket, which only the websocket handshake produces.
                : contracts == HandlerContracts.WebSocketHandler && !registration.IsWebSocket ? RegistrationSkip.NeedsUpgradeHandler
                : !constructible ? RegistrationSkip.ClassSkipped
                : RegistrationSkip.None);
            entries.Add(entry);
            if (entry.IsEmitted)
            {
                claimants.Add(new Claimant<INamedTypeSymbol>(type, registration.Name!, registration.Versions, registration.SubProtocols));
                claiming.Add(entry);
            }
        }

        // UPG003: within the class, a registration that repeats a claim of an earlier one. Registrations of different
        // classes may claim the same thing; an endpoint that serves both is what must not (UPG011). One registration
        // repeats nothing: being registrable, it lists no version or subprotocol twice, so its claims are all different.
        if (claimants.Count < 2)
        {
            return entries.MoveToImmutable();
        }

        DuplicateClaim?[] duplicates = RegistrationRules.FindDuplicates(claimants, SymbolEqualityComparer.Default);
        for (int i = 0; i < duplicates.Length; i++)
        {
            if (duplicates[i] is { } duplicate)
            {
                claiming[i].MarkDuplicate(duplicate, claiming[duplicate.FirstIndex].Registration);
            }
        }

        return entries.MoveToImmutable();
    }

    /// <summary>One registration of the handler and whether generated code emits it.</summary>
    internal sealed class Entry
    {
        public Entry(DeclaredRegistration registration, RegistrationSkip skip)
        {
            Registration = registration;
            Skip = skip;
        }

        public DeclaredRegistration Registration { get; }

        public RegistrationSkip Skip { get; private set; }

        /// <summary>Whether the registry holds this registration.</summary>
        public bool IsEmitted => Skip == RegistrationSkip.None;

        /// <summary>For a <see cref="RegistrationSkip.Duplicate"/>, the claim it repeats.</summary>
        public DuplicateClaim? Duplicate { get; private set; }

        /// <summary>For a <see cref="RegistrationSkip.Duplicate"/>, the earlier registration that makes that claim.</summary>
        public DeclaredRegistration? Repeated { get; private set; }

        // Only while the handler is judged: which registrations repeat others is known once all of them are read.
        internal void MarkDuplicate(DuplicateClaim duplicate, DeclaredRegistration repeated)
        {
            Skip = RegistrationSkip.Duplicate;
            Duplicate = duplicate;
            Repeated = repeated;
        }
    }
}
