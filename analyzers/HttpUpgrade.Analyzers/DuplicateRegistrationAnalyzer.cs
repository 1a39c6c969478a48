using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace HttpUpgrade.Analyzers;

/// <summary>
/// UPG003: two registrations of one compilation claim the same protocol name, version and subprotocol. Every class of
/// the compilation must be seen first, so this reports at compilation end. The first registration of a claim in source
/// order keeps it; each later one is reported, and the generator skips exactly those.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DuplicateRegistrationAnalyzer : DiagnosticAnalyzer
{
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

        bool? isUsableHandler = null;
        foreach (AttributeData attribute in type.GetAttributes())
        {
            if (!symbols.IsUpgradeProtocolAttribute(attribute))
            {
                continue;
            }

            // A registration the generator skips is already reported (UPG001, UPG002, UPG004, UPG005, UPG006, UPG010)
            // and never reaches the registry, so it claims nothing.
            isUsableHandler ??= !symbols.LacksHandlerInterface(type) && HandlerShapeRules.GetConstructor(type, out _) is not null;
            if (isUsableHandler == false)
            {
                return;
            }

            RegistrationInfo? registration = RegistrationInfo.Read(attribute, type.Locations[0], context.CancellationToken);
            if (registration is { IsRegistrable: true })
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

        // Source order decides which registration is "the first", so the result does not depend on analysis order; the
        // generator reads its handlers in the same order and skips exactly the registrations reported here.
        Claimant[] ordered = claimants.ToArray();
        Array.Sort(ordered, static (x, y) => x.CompareTo(y));

        var rules = new Claimant<INamedTypeSymbol>[ordered.Length];
        for (int i = 0; i < ordered.Length; i++)
        {
            RegistrationInfo registration = ordered[i].Registration;
            rules[i] = new Claimant<INamedTypeSymbol>(ordered[i].Type, registration.Name!, registration.Versions, registration.SubProtocols);
        }

        DuplicateClaim?[] duplicates = RegistrationRules.FindDuplicates(rules, SymbolEqualityComparer.Default);
        for (int i = 0; i < ordered.Length; i++)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            if (duplicates[i] is not { } duplicate)
            {
                continue;
            }

            Claimant claimant = ordered[i];
            Claimant first = ordered[duplicate.FirstIndex];

            // Removing an attribute whose every claim its own class already makes changes nothing else: the one right fix.
            ImmutableDictionary<string, string?> properties = duplicate.RepeatsOnlyItsOwner
                ? ImmutableDictionary<string, string?>.Empty.Add(DiagnosticProperties.Fix, DiagnosticProperties.RemoveAttributeFix)
                : ImmutableDictionary<string, string?>.Empty;
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.DuplicateRegistration,
                claimant.Registration.NameLocation,
                additionalLocations: new[] { first.Registration.NameLocation },
                properties,
                duplicate.Claim,
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

        public int CompareTo(Claimant other)
        {
            Location x = Registration.NameLocation;
            Location y = other.Registration.NameLocation;
            int order = string.CompareOrdinal(x.SourceTree?.FilePath, y.SourceTree?.FilePath);
            return order != 0 ? order : x.SourceSpan.Start.CompareTo(y.SourceSpan.Start);
        }
    }
}
