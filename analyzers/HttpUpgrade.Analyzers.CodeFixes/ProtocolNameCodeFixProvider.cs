using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace HttpUpgrade.Analyzers.CodeFixes;

/// <summary>
/// UPG001: <c>"websocket/13"</c> becomes <c>"websocket"</c> with <c>Versions = "13"</c>, and <c>" websocket "</c>
/// becomes <c>"websocket"</c>.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ProtocolNameCodeFixProvider))]
[Shared]
internal sealed class ProtocolNameCodeFixProvider : CodeFixProvider
{
    private const string TrimEquivalenceKey = "UPG001.Trim";
    private const string SplitVersionEquivalenceKey = "UPG001.SplitVersion";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.InvalidProtocolName.Id);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

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
            if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.Fix, out string? fix) ||
                !diagnostic.Properties.TryGetValue(DiagnosticProperties.Name, out string? name) ||
                name is null ||
                root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not LiteralExpressionSyntax literal ||
                !literal.IsKind(SyntaxKind.StringLiteralExpression) ||
                literal.Parent?.Parent?.Parent is not AttributeSyntax attribute)
            {
                continue;
            }

            if (fix == DiagnosticProperties.TrimFix)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Remove the whitespace around '{name}'",
                        ct => ReplaceAsync(context.Document, attribute, literal, name, version: null, ct),
                        TrimEquivalenceKey),
                    diagnostic);
            }
            else if (fix == DiagnosticProperties.SplitVersionFix &&
                diagnostic.Properties.TryGetValue(DiagnosticProperties.Version, out string? version) &&
                version is not null &&
                diagnostic.Properties.TryGetValue(DiagnosticProperties.AddVersions, out string? addVersions))
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Use '{name}' with Versions = \"{version}\"",
                        ct => ReplaceAsync(context.Document, attribute, literal, name, addVersions == "true" ? version : null, ct),
                        SplitVersionEquivalenceKey),
                    diagnostic);
            }
        }
    }

    private static async Task<Document> ReplaceAsync(
        Document document,
        AttributeSyntax attribute,
        LiteralExpressionSyntax literal,
        string name,
        string? version,
        CancellationToken cancellationToken)
    {
        SyntaxNode? root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        AttributeSyntax updated = attribute.ReplaceNode(literal, StringLiteral(name).WithTriviaFrom(literal));
        if (version is not null && updated.ArgumentList is { Arguments.Count: > 0 } arguments)
        {
            AttributeArgumentSyntax versions = SyntaxFactory.AttributeArgument(
                SyntaxFactory.NameEquals(
                    SyntaxFactory.IdentifierName(DeclaredRegistration.VersionsPropertyName),
                    SyntaxFactory.Token(SyntaxKind.EqualsToken).WithLeadingTrivia(SyntaxFactory.Space).WithTrailingTrivia(SyntaxFactory.Space)),
                nameColon: null,
                StringLiteral(version));

            // The Versions argument follows the name, ahead of any other named argument, as users write it.
            SeparatedSyntaxList<AttributeArgumentSyntax> list = arguments.Arguments;
            int index = list.IndexOf(static argument => argument.NameEquals is null) + 1;
            var nodes = new List<AttributeArgumentSyntax>(list);
            var separators = new List<SyntaxToken>(list.GetSeparators());
            nodes.Insert(index, versions);
            separators.Insert(Math.Min(index - 1, separators.Count), Comma());
            updated = updated.WithArgumentList(arguments.WithArguments(SyntaxFactory.SeparatedList(nodes, separators)));
        }

        return document.WithSyntaxRoot(root.ReplaceNode(attribute, updated));
    }

    private static LiteralExpressionSyntax StringLiteral(string value) =>
        SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(value));

    private static SyntaxToken Comma() => SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(SyntaxFactory.Space);
}
