// Linked into the generator and the analyzers, so both resolve a type the way code in the compilation sees it.
using Microsoft.CodeAnalysis;

namespace HttpUpgrade;

/// <summary>Symbol lookup that works when several references define the same type name.</summary>
internal static class CompilationExtensions
{
    /// <summary>
    /// The type named <paramref name="fullyQualifiedMetadataName"/> that code in <paramref name="compilation"/> sees:
    /// the compilation's own type first, else the one accessible type among the references; null when there is none or
    /// more than one. Unlike <c>Compilation.GetTypeByMetadataName</c>, a second copy in an unrelated reference does not hide it.
    /// </summary>
    public static INamedTypeSymbol? GetBestTypeByMetadataName(this Compilation compilation, string fullyQualifiedMetadataName)
    {
        INamedTypeSymbol? best = null;
        foreach (INamedTypeSymbol candidate in compilation.GetTypesByMetadataName(fullyQualifiedMetadataName))
        {
            if (SymbolEqualityComparer.Default.Equals(candidate.ContainingAssembly, compilation.Assembly))
            {
                return candidate;
            }

            if (!IsVisibleFrom(candidate, compilation.Assembly))
            {
                continue;
            }

            if (best is not null)
            {
                return null;
            }

            best = candidate;
        }

        return best;
    }

    private static bool IsVisibleFrom(INamedTypeSymbol type, IAssemblySymbol assembly)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            switch (current.DeclaredAccessibility)
            {
                case Accessibility.Public:
                    break;
                case Accessibility.Internal:
                case Accessibility.ProtectedOrInternal:
                    if (!current.ContainingAssembly.GivesAccessTo(assembly))
                    {
                        return false;
                    }

                    break;
                default:
                    return false;
            }
        }

        return true;
    }
}
