using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Simplification;

namespace HttpUpgrade.Analyzers.CodeFixes;

/// <summary>
/// UPG004: adds the handler interface the class's registrations need (<c>IWebSocketHandler</c> when they are all
/// <c>websocket</c>, else <c>IUpgradeHandler</c>, also to a class that implements only <c>IWebSocketHandler</c> and
/// registers another protocol) and a member that throws <c>NotImplementedException</c> for each interface method the
/// class does not have yet, as "Implement interface" does.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(HandlerInterfaceCodeFixProvider))]
[Shared]
internal sealed class HandlerInterfaceCodeFixProvider : SyntaxTargetCodeFixProvider<(ClassDeclarationSyntax Declaration, string Interface)>
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.MissingHandlerInterface.Id);

    /// <inheritdoc />
    protected override string EquivalenceKey => "UPG004.AddInterface";

    // UPG004 is on the class name when the class implements no contract, and on the registration's name when the class
    // implements only IWebSocketHandler: either way the class to change is the nearest one around it. A class with
    // several registrations that need IUpgradeHandler is one target, so Fix All adds it once.
    /// <inheritdoc />
    protected override bool TryGetTarget(SyntaxNode root, Diagnostic diagnostic, out (ClassDeclarationSyntax Declaration, string Interface) target)
    {
        target = default;
        if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.Interface, out string? interfaceName) ||
            interfaceName is null ||
            root.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.FirstAncestorOrSelf<ClassDeclarationSyntax>() is not { } declaration)
        {
            return false;
        }

        target = (declaration, interfaceName);
        return true;
    }

    /// <inheritdoc />
    protected override string Title((ClassDeclarationSyntax Declaration, string Interface) target) =>
        "Implement " + target.Interface.Substring(target.Interface.LastIndexOf('.') + 1);

    /// <inheritdoc />
    protected override Task<Document> ApplyAsync(
        Document document,
        IReadOnlyList<(ClassDeclarationSyntax Declaration, string Interface)> targets,
        CancellationToken cancellationToken)
        => AddInterfacesAsync(document, targets, cancellationToken);

    private static async Task<Document> AddInterfacesAsync(
        Document document,
        IReadOnlyList<(ClassDeclarationSyntax Declaration, string Interface)> targets,
        CancellationToken cancellationToken)
    {
        SemanticModel? model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (model is null)
        {
            return document;
        }

        DocumentEditor editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        foreach ((ClassDeclarationSyntax declaration, string interfaceName) in targets)
        {
            if (model.GetDeclaredSymbol(declaration, cancellationToken) is INamedTypeSymbol type &&
                model.Compilation.GetBestTypeByMetadataName(interfaceName) is INamedTypeSymbol contract)
            {
                AddInterface(editor, model.Compilation, declaration, type, contract);
            }
        }

        // The new code names types by their full names; usings for their namespaces let the cleanup that follows every
        // code action shorten them to what a person would write.
        return await ImportAdder.AddImportsAsync(editor.GetChangedDocument(), Simplifier.AddImportsAnnotation, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
    }

    private static void AddInterface(
        DocumentEditor editor,
        Compilation compilation,
        ClassDeclarationSyntax declaration,
        INamedTypeSymbol type,
        INamedTypeSymbol contract)
    {
        SyntaxGenerator generator = editor.Generator;
        INamedTypeSymbol? notImplemented = compilation.GetBestTypeByMetadataName("System.NotImplementedException");

        var members = new List<SyntaxNode>();
        foreach (ISymbol member in contract.GetMembers())
        {
            if (member is not IMethodSymbol { MethodKind: MethodKind.Ordinary, IsAbstract: true, IsStatic: false } method ||
                HasMatchingMethod(type, method))
            {
                continue;
            }

            SyntaxNode body = notImplemented is null
                ? generator.ThrowStatement(generator.ObjectCreationExpression(generator.IdentifierName("System.NotImplementedException")))
                : generator.ThrowStatement(generator.ObjectCreationExpression(generator.TypeExpression(notImplemented, addImport: true)));
            SyntaxNode stub = generator.MethodDeclaration(
                method.Name,
                Parameters(generator, method),
                typeParameters: null,
                generator.TypeExpression(method.ReturnType, addImport: true),
                Accessibility.Public,
                DeclarationModifiers.None,
                new[] { body });
            members.Add(stub.WithAdditionalAnnotations(Simplifier.AddImportsAnnotation));
        }

        editor.ReplaceNode(declaration, (node, g) =>
        {
            SyntaxNode updated = g.AddInterfaceType(node, g.TypeExpression(contract, addImport: true).WithAdditionalAnnotations(Simplifier.AddImportsAnnotation));
            return members.Count == 0 ? updated : g.AddMembers(updated, members);
        });
    }

    private static IEnumerable<SyntaxNode> Parameters(SyntaxGenerator generator, IMethodSymbol method)
    {
        foreach (IParameterSymbol parameter in method.Parameters)
        {
            yield return generator.ParameterDeclaration(parameter.Name, generator.TypeExpression(parameter.Type, addImport: true));
        }
    }

    // A public method with the interface method's name and parameter types already implements it once the interface is added.
    private static bool HasMatchingMethod(INamedTypeSymbol type, IMethodSymbol method)
    {
        foreach (ISymbol candidate in type.GetMembers(method.Name))
        {
            if (candidate is IMethodSymbol { DeclaredAccessibility: Accessibility.Public, IsStatic: false } existing &&
                existing.Parameters.Length == method.Parameters.Length)
            {
                bool same = true;
                for (int i = 0; i < existing.Parameters.Length && same; i++)
                {
                    same = SymbolEqualityComparer.Default.Equals(existing.Parameters[i].Type, method.Parameters[i].Type);
                }

                if (same)
                {
                    return true;
                }
            }
        }

        return false;
    }
}
