using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace HttpUpgrade.Generators.Tests;

/// <summary>
/// The generator writes handler and service type names from a symbol's parts; each name it writes must be the one
/// <see cref="SymbolDisplay"/> writes, and every other name must be left to SymbolDisplay.
/// </summary>
public sealed class TypeNameTests
{
    private const string Source = """
        namespace Contoso.App.Handlers
        {
            public sealed class Plain { public sealed class Nested { public interface INested { } } }
            public struct Value { }
            public enum Kind { One }
            public delegate void Callback();
            public sealed class Generic<T> { public sealed class Inner { } }
            public sealed class @class { }
            public sealed class record { }
            public sealed class var { }
            public sealed class dynamic { }
            public sealed class nint { }
            public sealed class async { }
            public sealed class \u0055nicode { }
            public sealed class Ünïcödé { }
        }

        namespace @namespace.value { public sealed class InKeywordNamespace { } }

        public sealed class InGlobalNamespace { public sealed class Nested { } }
        """;

    private static readonly SymbolDisplayFormat s_displayNameFormat = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces);

    [Fact]
    public void NamesWrittenFromPartsAreTheOnesSymbolDisplayWrites()
    {
        Compilation compilation = GeneratorHarness.CreateCompilation(Source);
        var types = new List<INamedTypeSymbol>();
        Collect(compilation.Assembly.GlobalNamespace, types);
        Collect(compilation.GetSpecialType(SpecialType.System_Object).ContainingAssembly.GlobalNamespace, types);

        int written = 0;
        foreach (INamedTypeSymbol type in types)
        {
            if (UpgradeProtocolGenerator.Parser.FormatFullyQualifiedName(type, out string? displayName) is { } typeName)
            {
                written++;
                Assert.Equal(type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), typeName);
                Assert.Equal(type.ToDisplayString(s_displayNameFormat), displayName);
            }
        }

        // Most of the core library, and the plain source types, are written from parts.
        Assert.True(written > types.Count / 3, $"{written} of {types.Count}");
        foreach (string name in new[] { "Plain", "Nested", "INested", "Value", "Unicode", "Ünïcödé", "dynamic", "nint", "InGlobalNamespace" })
        {
            Assert.Contains(types, type => type.Name == name && UpgradeProtocolGenerator.Parser.FormatFullyQualifiedName(type, out _) is not null);
        }

        foreach (string name in new[] { "Kind", "Callback", "Generic", "Inner", "class", "record", "var", "async", "InKeywordNamespace", "Int32", "String" })
        {
            Assert.All(types.Where(type => type.Name == name && type.ContainingNamespace.ToDisplayString() is "Contoso.App.Handlers" or "namespace.value" or "System"),
                type => Assert.Null(UpgradeProtocolGenerator.Parser.FormatFullyQualifiedName(type, out _)));
        }
    }

    private static void Collect(INamespaceOrTypeSymbol container, List<INamedTypeSymbol> types)
    {
        foreach (ISymbol member in container.GetMembers())
        {
            if (member is INamespaceOrTypeSymbol child)
            {
                if (child is INamedTypeSymbol type)
                {
                    types.Add(type);
                }

                Collect(child, types);
            }
        }
    }
}
