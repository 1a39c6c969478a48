using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace HttpUpgrade.Analyzers;

/// <summary>
/// UPG003: two registrations of one compilation claim the same protocol name, version and subprotocol. Every class of
/// the compilation must be seen first, so this reports at compilation end.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DuplicateRegistrationAnalyzer : DiagnosticAnalyzer
{
    private const string AnyVersion = "*";

    private static readonly SymbolDisplayFormat s_typeFormat = SymbolDisplayFormat.CSharpShortErrorMessageFormat;

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.DuplicateRegistration);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            UpgradeSymbols? symbols = UpgradeSymbols.Create(start.Compilation);
            if (symbols is null)
            {
                return;
            }

            var claimants = new ConcurrentBag<Claimant>();
            start.RegisterSymbolAction(context => Collect(context, symbols, claimants), SymbolKind.NamedType);
            start.RegisterCompilationEndAction(context => Report(context, claimants));
        });
    }

    private static void Collect(SymbolAnalysisContext context, UpgradeSymbols symbols, ConcurrentBag<Claimant> claimants)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (type.TypeKind != TypeKind.Class)
        {
            return;
        }

        foreach (AttributeData attribute in type.GetAttributes())
        {
            if (!symbols.IsUpgradeProtocolAttribute(attribute))
            {
                continue;
            }

            // An invalid registration is skipped by the generator and already reported; it claims nothing.
            RegistrationInfo? registration = RegistrationInfo.Read(attribute, type.Locations[0], context.CancellationToken);
            if (registration is { IsValid: true })
            {
                claimants.Add(new Claimant(type, registration));
            }
        }
    }

    private static void Report(CompilationAnalysisContext context, ConcurrentBag<Claimant> claimants)
    {
        if (claimants.Count < 2)
        {
            return;
        }

        // Source order decides which registration is "the first", so the result does not depend on analysis order.
        Claimant[] ordered = claimants.ToArray();
        Array.Sort(ordered, static (x, y) => x.CompareTo(y));

        var owners = new Dictionary<string, Claimant>(StringComparer.Ordinal);
        foreach (Claimant claimant in ordered)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            Claimant? first = null;
            string? firstClaim = null;
            bool coveredByOwnClass = true;
            foreach ((string key, string claim) in claimant.Claims())
            {
                if (owners.TryGetValue(key, out Claimant? owner))
                {
                    if (first is null)
                    {
                        first = owner;
                        firstClaim = claim;
                    }

                    coveredByOwnClass &= SymbolEqualityComparer.Default.Equals(owner.Type, claimant.Type);
                }
                else
                {
                    coveredByOwnClass = false;
                    owners.Add(key, claimant);
                }
            }

            if (first is null)
            {
                continue;
            }

            // Removing an attribute whose every claim its own class already makes changes nothing else: the one right fix.
            ImmutableDictionary<string, string?> properties = coveredByOwnClass
                ? ImmutableDictionary<string, string?>.Empty.Add(DiagnosticProperties.Fix, DiagnosticProperties.RemoveAttributeFix)
                : ImmutableDictionary<string, string?>.Empty;
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.DuplicateRegistration,
                claimant.Registration.NameLocation,
                additionalLocations: new[] { first.Registration.NameLocation },
                properties,
                firstClaim,
                first.Type.ToDisplayString(s_typeFormat)));
        }
    }

    private sealed class Claimant
    {
        public Claimant(INamedTypeSymbol type, RegistrationInfo registration)
        {
            Type = type;
            Registration = registration;
        }

        public INamedTypeSymbol Type { get; }

        public RegistrationInfo Registration { get; }

        /// <summary>
        /// Each (name, version, subprotocol) this registration answers, as a case-insensitive key and as shown to users.
        /// No versions claims "any version"; no subprotocols claims "no subprotocol".
        /// </summary>
        public IEnumerable<(string Key, string Claim)> Claims()
        {
            string name = Registration.Name!;
            ImmutableArray<string> versions = Registration.Versions.IsEmpty ? ImmutableArray.Create(AnyVersion) : Registration.Versions;
            ImmutableArray<string> subProtocols = Registration.SubProtocols.IsEmpty ? ImmutableArray.Create(string.Empty) : Registration.SubProtocols;
            foreach (string version in versions)
            {
                foreach (string subProtocol in subProtocols)
                {
                    string key = (name + "\n" + version + "\n" + subProtocol).ToUpperInvariant();
                    string claim = version == AnyVersion ? name : name + "/" + version;
                    if (subProtocol.Length > 0)
                    {
                        claim += " with subprotocol " + subProtocol;
                    }

                    yield return (key, claim);
                }
            }
        }

        public int CompareTo(Claimant other)
        {
            Location x = Registration.NameLocation;
            Location y = other.Registration.NameLocation;
            int order = string.CompareOrdinal(x.SourceTree?.FilePath, y.SourceTree?.FilePath);
            return order != 0 ? order : x.SourceSpan.Start.CompareTo(y.SourceSpan.Start);
        }
    }
}
