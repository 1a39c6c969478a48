using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace HttpUpgrade.Analyzers.CodeFixes;

/// <summary>
/// A fix that finds one target in the syntax for each diagnostic and changes it: alone, or under Fix All every distinct
/// target of a document in one edit, so that fixes of neighbouring targets do not conflict.
/// </summary>
/// <typeparam name="TTarget">What a diagnostic points the fix at; equal targets are changed once.</typeparam>
internal abstract class SyntaxTargetCodeFixProvider<TTarget> : CodeFixProvider
{
    /// <summary>The key that groups this fix's actions for Fix All.</summary>
    protected abstract string EquivalenceKey { get; }

    /// <inheritdoc />
    public sealed override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(FixAllAsync);

    /// <inheritdoc />
    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (TryGetTarget(root, diagnostic, out TTarget target))
            {
                context.RegisterCodeFix(
                    CodeAction.Create(Title(target), ct => ApplyAsync(context.Document, new[] { target }, ct), EquivalenceKey),
                    diagnostic);
            }
        }
    }

    /// <summary>Finds what <paramref name="diagnostic"/> asks to change; false when it carries no fix.</summary>
    protected abstract bool TryGetTarget(SyntaxNode root, Diagnostic diagnostic, out TTarget target);

    /// <summary>The title of the code action for <paramref name="target"/>.</summary>
    protected abstract string Title(TTarget target);

    /// <summary>Changes every target of <paramref name="document"/>.</summary>
    protected abstract Task<Document> ApplyAsync(Document document, IReadOnlyList<TTarget> targets, CancellationToken cancellationToken);

    private async Task<Document?> FixAllAsync(FixAllContext context, Document document, ImmutableArray<Diagnostic> diagnostics)
    {
        SyntaxNode? root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var targets = new List<TTarget>(diagnostics.Length);
        foreach (Diagnostic diagnostic in diagnostics)
        {
            if (TryGetTarget(root, diagnostic, out TTarget target) && !targets.Contains(target))
            {
                targets.Add(target);
            }
        }

        return await ApplyAsync(document, targets, context.CancellationToken).ConfigureAwait(false);
    }
}
