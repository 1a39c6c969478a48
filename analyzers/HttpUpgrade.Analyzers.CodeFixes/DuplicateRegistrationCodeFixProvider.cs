using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace HttpUpgrade.Analyzers.CodeFixes;

/// <summary>UPG003: removes an <c>[UpgradeProtocol]</c> whose every claim its own class already makes.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DuplicateRegistrationCodeFixProvider))]
[Shared]
internal sealed class DuplicateRegistrationCodeFixProvider : SyntaxTargetCodeFixProvider<AttributeSyntax>
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.DuplicateRegistration.Id);

    /// <inheritdoc />
    protected override string EquivalenceKey => "UPG003.RemoveAttribute";

    /// <inheritdoc />
    protected override bool TryGetTarget(SyntaxNode root, Diagnostic diagnostic, out AttributeSyntax target)
    {
        target = null!;
        if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.Fix, out string? fix) || fix != DiagnosticProperties.RemoveAttributeFix ||
            root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true)?.FirstAncestorOrSelf<AttributeSyntax>() is not { } attribute)
        {
            return false;
        }

        target = attribute;
        return true;
    }

    /// <inheritdoc />
    protected override string Title(AttributeSyntax target) => "Remove the duplicate [UpgradeProtocol]";

    /// <inheritdoc />
    protected override async Task<Document> ApplyAsync(Document document, IReadOnlyList<AttributeSyntax> targets, CancellationToken cancellationToken)
    {
        DocumentEditor editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        foreach (AttributeSyntax attribute in targets)
        {
            editor.RemoveNode(attribute);
        }

        return editor.GetChangedDocument();
    }
}
