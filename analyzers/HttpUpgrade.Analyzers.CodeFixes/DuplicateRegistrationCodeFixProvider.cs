using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace HttpUpgrade.Analyzers.CodeFixes;

/// <summary>UPG003: removes an <c>[UpgradeProtocol]</c> whose every claim its own class already makes.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DuplicateRegistrationCodeFixProvider))]
[Shared]
public sealed class DuplicateRegistrationCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.DuplicateRegistration.Id);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(FixAllAsync);

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (GetAttribute(root, diagnostic) is not { } attribute)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    "Remove the duplicate [UpgradeProtocol]",
                    ct => RemoveAsync(context.Document, new[] { attribute }, ct),
                    "UPG003.RemoveAttribute"),
                diagnostic);
        }
    }

    private static async Task<Document?> FixAllAsync(FixAllContext context, Document document, ImmutableArray<Diagnostic> diagnostics)
    {
        SyntaxNode? root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var attributes = new List<AttributeSyntax>(diagnostics.Length);
        foreach (Diagnostic diagnostic in diagnostics)
        {
            if (GetAttribute(root, diagnostic) is { } attribute)
            {
                attributes.Add(attribute);
            }
        }

        return await RemoveAsync(document, attributes, context.CancellationToken).ConfigureAwait(false);
    }

    private static AttributeSyntax? GetAttribute(SyntaxNode root, Diagnostic diagnostic) =>
        diagnostic.Properties.TryGetValue(DiagnosticProperties.Fix, out string? fix) && fix == DiagnosticProperties.RemoveAttributeFix
            ? root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true)?.FirstAncestorOrSelf<AttributeSyntax>()
            : null;

    private static async Task<Document> RemoveAsync(Document document, IEnumerable<AttributeSyntax> attributes, CancellationToken cancellationToken)
    {
        DocumentEditor editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        foreach (AttributeSyntax attribute in attributes)
        {
            editor.RemoveNode(attribute);
        }

        return editor.GetChangedDocument();
    }
}
