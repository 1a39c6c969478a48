using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace HttpUpgrade.Analyzers;

/// <summary>
/// UPG014: <c>UseTlsUpgrade</c> or <c>UseH2cUpgrade</c> on a listener that the same code block also configures with
/// <c>UseHttps</c>. Both switch a cleartext connection; a TLS listener never sees them offered.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class ConnectionUpgradeListenerAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.ConnectionUpgradeOnTlsListener);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStart(
            static (start, types) => start.RegisterOperationAction(context => Analyze(context, types), OperationKind.Invocation),
            WellKnownType.Microsoft_AspNetCore_Hosting_ConnectionUpgradeListenOptionsExtensions,
            WellKnownType.Microsoft_AspNetCore_Hosting_ListenOptionsHttpsExtensions);
    }

    private static void Analyze(OperationAnalysisContext context, WellKnownTypes types)
    {
        var invocation = (IInvocationOperation)context.Operation;
        IMethodSymbol method = invocation.TargetMethod;
        if (method.Name is not ("UseTlsUpgrade" or "UseH2cUpgrade")
            || !SymbolEqualityComparer.Default.Equals(method.ContainingType, types.Get(WellKnownType.Microsoft_AspNetCore_Hosting_ConnectionUpgradeListenOptionsExtensions))
            || ListenerOf(invocation) is not { } listener)
        {
            return;
        }

        // The whole code block: the listener is a lambda's parameter or a local, configured anywhere in it.
        IOperation root = invocation;
        while (root.Parent is { } parent)
        {
            root = parent;
        }

        INamedTypeSymbol? https = types.Get(WellKnownType.Microsoft_AspNetCore_Hosting_ListenOptionsHttpsExtensions);
        foreach (IOperation operation in root.DescendantsAndSelf())
        {
            if (operation is IInvocationOperation { TargetMethod: { Name: "UseHttps" } useHttps } other
                && SymbolEqualityComparer.Default.Equals(useHttps.ContainingType, https)
                && SymbolEqualityComparer.Default.Equals(ListenerOf(other), listener))
            {
                string why = method.Name == "UseH2cUpgrade"
                    ? "h2c is HTTP/2 in clear, and over TLS HTTP/2 is chosen with ALPN (RFC 7540 §3.3)"
                    : "the connection already uses TLS (RFC 2817)";
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.ConnectionUpgradeOnTlsListener,
                    invocation.Syntax.GetLocation(),
                    additionalLocations: new[] { other.Syntax.GetLocation() },
                    method.Name,
                    why));
                return;
            }
        }
    }

    // The ListenOptions an extension method is called on: a parameter or a local, the only listeners code names twice.
    private static ISymbol? ListenerOf(IInvocationOperation invocation)
    {
        if (invocation.Arguments.Length == 0)
        {
            return null;
        }

        IOperation receiver = invocation.Arguments[0].Value;
        while (true)
        {
            switch (receiver)
            {
                case IConversionOperation conversion:
                    receiver = conversion.Operand;
                    break;

                // A chain (listen.UseH2cUpgrade().UseHttps()): each of these returns the listener it was called on.
                case IInvocationOperation { TargetMethod.Name: "UseTlsUpgrade" or "UseH2cUpgrade" or "UseHttps", Arguments.Length: > 0 } inner:
                    receiver = inner.Arguments[0].Value;
                    break;
                case IParameterReferenceOperation parameter:
                    return parameter.Parameter;
                case ILocalReferenceOperation local:
                    return local.Local;
                default:
                    return null;
            }
        }
    }
}
