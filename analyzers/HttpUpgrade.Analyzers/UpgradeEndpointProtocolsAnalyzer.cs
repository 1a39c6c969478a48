using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace HttpUpgrade.Analyzers;

/// <summary>
/// UPG013: <c>MapUpgrade</c> in an app whose every Kestrel endpoint is configured, in the same method body, without
/// <c>HttpProtocols.Http1</c>. Such an endpoint never receives an HTTP/1.1 <c>Upgrade</c> request.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class UpgradeEndpointProtocolsAnalyzer : DiagnosticAnalyzer
{
    // HttpProtocols flags.
    private const int Http1 = 1;
    private const int Http2 = 2;
    private const int Http3 = 4;

    private const string ConfigureEndpointDefaults = "ConfigureEndpointDefaults";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.UpgradeEndpointWithoutHttp1);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStart(
            static (start, types) => start.RegisterSievedBlockAction(MentionsTrigger, (context, block) => AnalyzeBlock(context, block, types)),
            WellKnownType.Microsoft_AspNetCore_Builder_UpgradeEndpointRouteBuilderExtensions,
            WellKnownType.Microsoft_AspNetCore_Server_Kestrel_Core_ListenOptions);
    }

    private static void AnalyzeBlock(CodeBlockAnalysisContext context, IOperation block, WellKnownTypes types)
    {
        var mapUpgrades = new List<IInvocationOperation>();
        var kestrelCalls = new List<IInvocationOperation>();
        var assignments = new List<ISimpleAssignmentOperation>();
        foreach (IOperation operation in block.DescendantsAndSelf())
        {
            if (operation is IInvocationOperation invocation)
            {
                if (UpgradeApi.IsMapUpgrade(invocation.TargetMethod, types))
                {
                    mapUpgrades.Add(invocation);
                }
                else if (IsEndpointConfiguration(invocation.TargetMethod, types))
                {
                    kestrelCalls.Add(invocation);
                }
            }
            else if (operation is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation target } assignment && IsProtocols(target.Property, types))
            {
                assignments.Add(assignment);
            }
        }

        if (mapUpgrades.Count == 0 || assignments.Count == 0 || Union(kestrelCalls, assignments, types) is not int protocols)
        {
            return;
        }

        string versions = (protocols & (Http2 | Http3)) switch
        {
            Http2 => "2",
            Http3 => "3",
            _ => "2 and HTTP/3",
        };
        var values = new List<Location>(assignments.Count);
        foreach (ISimpleAssignmentOperation assignment in assignments)
        {
            values.Add(assignment.Value.Syntax.GetLocation());
        }

        foreach (IInvocationOperation mapUpgrade in mapUpgrades)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.UpgradeEndpointWithoutHttp1, mapUpgrade.Syntax.GetLocation(), values, versions));
        }
    }

    // Kestrel's default for every endpoint is Http1AndHttp2, so a warning needs every endpoint of the body known to exclude
    // Http1. Returns the protocols they serve together, or null when one serves HTTP/1.1 or is not known: a value that is
    // not a constant, an assignment outside the Listen*/ConfigureEndpointDefaults lambdas, or a configuration method.
    private static int? Union(List<IInvocationOperation> kestrelCalls, List<ISimpleAssignmentOperation> assignments, WellKnownTypes types)
    {
        var assigned = new Dictionary<IInvocationOperation, int?>();
        foreach (ISimpleAssignmentOperation assignment in assignments)
        {
            if (ConfiguringCall(assignment, types) is not { } call)
            {
                return null;
            }

            // Operations come in source order: the last assignment in a lambda is the one that holds.
            assigned[call] = assignment.Value.ConstantValue is { HasValue: true, Value: int value } ? value : null;
        }

        int? defaults = Http1 | Http2;
        var endpoints = new List<int?>();
        foreach (IInvocationOperation call in kestrelCalls)
        {
            int? protocols = assigned.TryGetValue(call, out int? value) ? value
                : HasConfigurationMethod(call, types) ? null
                : defaults;
            if (call.TargetMethod.Name == ConfigureEndpointDefaults)
            {
                defaults = protocols;
            }
            else
            {
                endpoints.Add(protocols);
            }
        }

        // Without Listen* calls the endpoints come from URLs or configuration and take the endpoint defaults.
        if (endpoints.Count == 0 && kestrelCalls.Count > 0)
        {
            endpoints.Add(defaults);
        }

        int union = 0;
        foreach (int? protocols in endpoints)
        {
            if (protocols is not int value || (value & Http1) != 0)
            {
                return null;
            }

            union |= value;
        }

        return endpoints.Count == 0 ? null : union;
    }

    // The Listen*/ConfigureEndpointDefaults call whose Action<ListenOptions> lambda makes the assignment; null when the
    // nearest lambda around it is anything else.
    private static IInvocationOperation? ConfiguringCall(IOperation assignment, WellKnownTypes types)
    {
        IOperation? current = assignment.Parent;
        while (current is not null and not IAnonymousFunctionOperation)
        {
            current = current.Parent;
        }

        while (current?.Parent is IDelegateCreationOperation or IConversionOperation)
        {
            current = current.Parent;
        }

        return current?.Parent is IArgumentOperation { Parent: IInvocationOperation call } argument &&
            IsEndpointConfiguration(call.TargetMethod, types) &&
            IsListenOptionsAction(argument.Parameter?.Type, types)
                ? call
                : null;
    }

    // options.ListenLocalhost(5000, Configure): the method's body is elsewhere, so its effect is not known.
    private static bool HasConfigurationMethod(IInvocationOperation call, WellKnownTypes types)
    {
        foreach (IArgumentOperation argument in call.Arguments)
        {
            if (argument.ArgumentKind != ArgumentKind.DefaultValue &&
                IsListenOptionsAction(argument.Parameter?.Type, types) &&
                UpgradeApi.Unwrap(argument.Value) is not IDelegateCreationOperation { Target: IAnonymousFunctionOperation })
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsEndpointConfiguration(IMethodSymbol method, WellKnownTypes types) =>
        (method.Name == ConfigureEndpointDefaults || method.Name.StartsWith("Listen", StringComparison.Ordinal)) &&
        types.Is(method.ContainingType, WellKnownType.Microsoft_AspNetCore_Server_Kestrel_Core_KestrelServerOptions);

    private static bool IsProtocols(IPropertySymbol property, WellKnownTypes types) =>
        property.Name == "Protocols" && types.Is(property.ContainingType, WellKnownType.Microsoft_AspNetCore_Server_Kestrel_Core_ListenOptions);

    private static bool IsListenOptionsAction(ITypeSymbol? type, WellKnownTypes types) =>
        type is INamedTypeSymbol { Arity: 1 } action &&
        types.Is(action.OriginalDefinition, WellKnownType.System_Action_T) &&
        types.Is(action.TypeArguments[0], WellKnownType.Microsoft_AspNetCore_Server_Kestrel_Core_ListenOptions);

    // Where a warning is possible: both MapUpgrade and Protocols are named in the body.
    private static bool MentionsTrigger(IEnumerable<SyntaxToken> tokens)
    {
        bool mapUpgrade = false, protocols = false;
        foreach (SyntaxToken token in tokens)
        {
            if (token.IsKind(SyntaxKind.IdentifierToken))
            {
                mapUpgrade |= token.ValueText == UpgradeApi.MapUpgradeName;
                protocols |= token.ValueText == "Protocols";
                if (mapUpgrade && protocols)
                {
                    return true;
                }
            }
        }

        return false;
    }
}
