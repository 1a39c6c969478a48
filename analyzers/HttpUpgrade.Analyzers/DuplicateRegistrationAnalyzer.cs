using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace HttpUpgrade.Analyzers;

/// <summary>
/// UPG003: a class whose own <c>[UpgradeProtocol]</c> attributes claim the same protocol name, version and subprotocol
/// twice. The first attribute of a claim in source order keeps it; each later one is reported, and the generator skips
/// exactly those. Different classes may claim the same thing: only an endpoint that serves both must not (UPG011).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class DuplicateRegistrationAnalyzer : DiagnosticAnalyzer
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
        context.RegisterCompilationStart(
            static (start, types) => start.RegisterHandlerAction(types, AnalyzeHandler),
            WellKnownType.HttpUpgrade_UpgradeProtocolAttribute);
    }

    private static void AnalyzeHandler(SymbolAnalysisContext context, DeclaredHandler handler)
    {
        INamedTypeSymbol type = handler.Type;
        foreach (DeclaredHandler.Entry entry in handler.Registrations)
        {
            if (entry is not { Duplicate: { } duplicate, Repeated: { } repeated })
            {
                continue;
            }

            // Removing an attribute whose every claim its class already makes changes nothing else: the one right fix.
            ImmutableDictionary<string, string?> properties = duplicate.RepeatsOnlyItsOwner
                ? ImmutableDictionary<string, string?>.Empty.Add(DiagnosticProperties.Fix, DiagnosticProperties.RemoveAttributeFix)
                : ImmutableDictionary<string, string?>.Empty;
            Location fallback = type.Locations[0];
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.DuplicateRegistration,
                RegistrationLocations.Find(entry.Registration, fallback, context.CancellationToken).Name,
                additionalLocations: new[] { RegistrationLocations.Find(repeated, fallback, context.CancellationToken).Name },
                properties,
                duplicate.Claim,
                type.ToDisplayString(s_typeFormat)));
        }
    }
}
