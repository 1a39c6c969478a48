using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace HttpUpgrade.Analyzers;

/// <summary>
/// UPG012: a type argument of <c>MapUpgrade&lt;THandler, ...&gt;</c> or <c>ForHandler&lt;THandler&gt;</c> that is not a
/// class marked <c>[UpgradeProtocol]</c>, so the endpoint throws at startup. Reported only when that is certain: the
/// type is a class or interface this compilation sees whole, in source or in metadata (where the attribute is kept too).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class EndpointHandlerTypeAnalyzer : DiagnosticAnalyzer
{
    private static readonly SymbolDisplayFormat s_typeFormat = SymbolDisplayFormat.CSharpShortErrorMessageFormat;

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.NotAHandler);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStart(
            static (start, types) => start.RegisterOperationAction(context => AnalyzeInvocation(context, types), OperationKind.Invocation),
            WellKnownType.HttpUpgrade_UpgradeProtocolAttribute);
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, WellKnownTypes types)
    {
        var invocation = (IInvocationOperation)context.Operation;
        IMethodSymbol method = invocation.TargetMethod;
        if (method.TypeArguments.IsEmpty || !(UpgradeApi.IsMapUpgrade(method, types) || UpgradeApi.IsForHandler(method, types)))
        {
            return;
        }

        for (int i = 0; i < method.TypeArguments.Length; i++)
        {
            ITypeSymbol argument = method.TypeArguments[i];
            if (UpgradeApi.IsHandlerClass(argument, types) == false)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.NotAHandler,
                    UpgradeApi.TypeArgumentLocation(invocation, i),
                    argument.ToDisplayString(s_typeFormat),
                    method.Name + "<" + method.TypeParameters[i].Name + ">"));
            }
        }
    }
}
