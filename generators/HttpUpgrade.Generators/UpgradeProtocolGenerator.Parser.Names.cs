using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace HttpUpgrade.Generators;

internal sealed partial class UpgradeProtocolGenerator
{
    // Type names written from a symbol's parts. SymbolDisplay walks a general visitor, builds a part per token and joins
    // them, for every handler on every run; most names the registry writes are a plain class in a namespace. A name this
    // does not cover (generic, special, keyword-like, not a class, struct or interface) goes to SymbolDisplay.
    internal static partial class Parser
    {
        /// <summary>
        /// <paramref name="type"/> as <see cref="SymbolDisplayFormat.FullyQualifiedFormat"/> writes it
        /// (<c>global::Ns.Outer.Inner</c>) and, when <paramref name="displayName"/> is asked for, as
        /// <c>Ns.Outer.Inner</c>; null when the type's name is not one this spells the same way.
        /// </summary>
        internal static string? FormatFullyQualifiedName(ITypeSymbol type, out string? displayName)
        {
            displayName = null;
            int length = 0;
            ISymbol? current = type;
            for (; current is INamedTypeSymbol named; current = named.ContainingSymbol)
            {
                if (named is not { Arity: 0, SpecialType: SpecialType.None, IsTupleType: false, TypeKind: TypeKind.Class or TypeKind.Struct or TypeKind.Interface } ||
                    !IsPlainIdentifier(named.Name))
                {
                    return null;
                }

                length += named.Name.Length + 1;
            }

            if (current is not INamespaceSymbol { } namespaceSymbol)
            {
                return null;
            }

            for (INamespaceSymbol ns = namespaceSymbol; !ns.IsGlobalNamespace; ns = ns.ContainingNamespace)
            {
                if (!IsPlainIdentifier(ns.Name))
                {
                    return null;
                }

                length += ns.Name.Length + 1;
            }

            // Written back to front into one buffer: the innermost name last.
            char[] buffer = new char[length - 1];
            int position = buffer.Length;
            for (ISymbol symbol = type; !(symbol is INamespaceSymbol { IsGlobalNamespace: true }); symbol = symbol.ContainingSymbol)
            {
                string name = symbol.Name;
                position -= name.Length;
                name.CopyTo(0, buffer, position, name.Length);
                if (position > 0)
                {
                    buffer[--position] = '.';
                }
            }

            displayName = new string(buffer);
            return "global::" + displayName;
        }

        // Keywords, contextual ones included, are left to SymbolDisplay, which knows which of them it escapes.
        private static bool IsPlainIdentifier(string name)
            => name.Length > 0 &&
               SyntaxFacts.GetKeywordKind(name) == SyntaxKind.None &&
               SyntaxFacts.GetContextualKeywordKind(name) == SyntaxKind.None;
    }
}
