using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace HttpUpgrade.Analyzers;

/// <summary>How every HttpUpgrade analyzer starts, and the two shapes of analysis they share.</summary>
internal static class AnalyzerSetup
{
    /// <summary>
    /// For each compilation that sees every one of <paramref name="required"/>, hands <paramref name="start"/> the
    /// compilation's <see cref="WellKnownTypes"/>, created once; a compilation without them has nothing to check.
    /// (Each analyzer's Initialize still enables concurrent execution and skips generated code itself, as RS1025 and
    /// RS1026 check.)
    /// </summary>
    public static void RegisterCompilationStart(
        this AnalysisContext context,
        Action<CompilationStartAnalysisContext, WellKnownTypes> start,
        params WellKnownType[] required)
    {
        context.RegisterCompilationStartAction(compilationStart =>
        {
            var types = WellKnownTypes.Create(compilationStart.Compilation);
            if (required.All(type => types.Get(type) is not null))
            {
                start(compilationStart, types);
            }
        });
    }

    /// <summary>Calls <paramref name="action"/> for each class marked <c>[UpgradeProtocol]</c>, as <see cref="DeclaredHandler"/> reads it.</summary>
    public static void RegisterHandlerAction(this CompilationStartAnalysisContext start, WellKnownTypes types, Action<SymbolAnalysisContext, DeclaredHandler> action) =>
        start.RegisterSymbolAction(
            context =>
            {
                if (context.Symbol is INamedTypeSymbol { TypeKind: TypeKind.Class } type &&
                    DeclaredHandler.Read(type, types, context.CancellationToken) is { } handler)
                {
                    action(context, handler);
                }
            },
            SymbolKind.NamedType);

    /// <summary>
    /// Calls <paramref name="action"/> with the operations of each code block whose own tokens pass
    /// <paramref name="mentionsTrigger"/>: a syntactic sieve, so that only the few bodies where a warning is possible are
    /// bound to operations, where an operation block action would bind every method body of the compilation. A type's
    /// own code block (a primary constructor) holds no statements, and in a file of top-level statements only those
    /// belong to <c>&lt;Main&gt;$</c>: every member elsewhere is a code block of its own.
    /// </summary>
    public static void RegisterSievedBlockAction(
        this CompilationStartAnalysisContext start,
        Func<IEnumerable<SyntaxToken>, bool> mentionsTrigger,
        Action<CodeBlockAnalysisContext, IOperation> action) =>
        start.RegisterCodeBlockAction(context =>
        {
            SyntaxNode block = context.CodeBlock;
            if (block is not BaseTypeDeclarationSyntax &&
                mentionsTrigger(block.DescendantTokens(static node => node is not (BaseTypeDeclarationSyntax or BaseNamespaceDeclarationSyntax))) &&
                context.SemanticModel.GetOperation(block, context.CancellationToken) is { } operation)
            {
                action(context, operation);
            }
        });
}
