using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace HttpUpgrade.Generators.Tests;

/// <summary>
/// The generator reads a primary or implicit constructor from syntax instead of asking the class's symbol for its constructors
/// (which binds every method body). Whenever it reads one, it must decide exactly what the constructor's symbol decides
/// through <see cref="HandlerShapeRules"/>, down to every parameter's model; shapes it does not read go to the symbol.
/// </summary>
public sealed class ConstructorReadingTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using HttpUpgrade;
        using Microsoft.Extensions.DependencyInjection;
        using Svc = System.IServiceProvider;

        """;

    private const string Handle = "public Task HandleAsync(UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;";

    // Each case: the handler's primary constructor (or whole declaration), and whether syntax decides it.
    private static readonly Dictionary<string, (string Source, bool Read)> s_cases = new()
    {
        ["services, a nullable reference default and an int default"] = (Handler("(IServiceProvider services, TimeProvider? time = null, int backlog = 16)"), true),
        ["a service of the assembly's own"] = (Handler("(Room room)") + "\npublic sealed class Room { }", true),
        ["no parameters"] = (Handler("()"), true),
        ["a literal default of every literal type"] = (Handler(
            """(string name = "a\"b\\c", char c = '\n', bool flag = true, long l = 5L, uint u = 5u, ulong ul = 5ul, float f = 1.5f, double d = 2.5, decimal m = 1.5m, string v = @"x""y", double nan = 1e308)"""), true),
        ["nullable value types with defaults"] = (Handler("(int? count = 5, int? none = null, bool? flag = false)"), true),
        ["nullable value type without a default"] = (Handler("(int? count)"), true),
        ["ref struct"] = (Handler("(Span<int> span)"), true),
        ["generic, tuple, array and alias types"] = (Handler("(IEnumerable<string> items, (int A, string B) pair, int[] numbers, Dictionary<string, List<int>> map, Svc services)"), true),
        ["escaped identifiers"] = (Handler("(@class value, @class? other = null)") + "\npublic sealed class @class { }", true),
        ["base class from metadata without required members"] = (Handler("(IServiceProvider services)", baseType: "Attribute, "), true),
        ["object and string defaults of null"] = (Handler("(object? o = null, string s = null!)"), false),
        ["a default that needs a conversion"] = (Handler("(long count = 5)"), false),
        ["an enum default"] = (Handler("(DayOfWeek day = DayOfWeek.Monday)"), false),
        ["a negative default"] = (Handler("(int offset = -1)"), false),
        ["nested nullable annotation"] = (Handler("(List<string?> names)"), false),
        ["in parameter"] = (Handler("(in int value)"), false),
        ["params parameter"] = (Handler("(params int[] values)"), false),
        ["parameter attribute"] = (Handler("([System.ComponentModel.Description(\"x\")] int value)"), false),
        ["nullable annotations disabled"] = ("#nullable disable\n" + Handler("(IServiceProvider services, TimeProvider time = null)") + "\n#nullable restore", false),
        ["a marked primary constructor"] = ("[method: ActivatorUtilitiesConstructor]\n" + Handler("(IServiceProvider services)"), false),
        ["another constructor"] = (Handler("(IServiceProvider services)", members: "public Handler() : this(null!) { }"), false),
        ["a required member"] = (Handler("(IServiceProvider services)", members: "public required string Name { get; init; }"), false),
        ["a base class in source with a required member"] = (Handler("(IServiceProvider services)", baseType: "Base, ") + "\npublic class Base { public required string Name { get; init; } }", false),
        ["a base class in source without one"] = (Handler("(IServiceProvider services)", baseType: "Base, ") + "\npublic class Base { public string Name { get; init; } = \"\"; }", true),
        ["an abstract class"] = ("[UpgradeProtocol(\"echo\")]\npublic abstract class Handler(IServiceProvider services) : IUpgradeHandler { " + Handle + " }", false),
        ["a record"] = ("[UpgradeProtocol(\"echo\")]\npublic sealed record Handler(IServiceProvider Services) : IUpgradeHandler { " + Handle + " }", false),
        ["a class without a declared constructor"] = ("[UpgradeProtocol(\"echo\")]\npublic sealed class Handler : IUpgradeHandler { " + Handle + " }", true),
        ["a class with a declared constructor"] = ("[UpgradeProtocol(\"echo\")]\npublic sealed class Handler : IUpgradeHandler { public Handler() { } " + Handle + " }", false),
        ["a class without a declared constructor and a required member"] = ("[UpgradeProtocol(\"echo\")]\npublic sealed class Handler : IUpgradeHandler { public required int Value; " + Handle + " }", false),
        ["a static class"] = ("[UpgradeProtocol(\"echo\")]\npublic static class Handler { }", false),
        ["a type that does not resolve"] = (Handler("(Missing missing)"), false),
        ["a partial class with the primary constructor on one part"] = (Handler("(IServiceProvider services)", partial: true) + "\npublic partial class Handler { public int Value => 1; }", true),
        ["a partial class with a constructor on another part"] = (Handler("(IServiceProvider services)", partial: true) + "\npublic partial class Handler { public Handler(int value) : this((IServiceProvider)null!) { } }", false),
    };

    public static TheoryData<string> Cases => new(s_cases.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public void SyntaxDecidesWhatTheConstructorSymbolDecides(string shape)
    {
        (string source, bool read) = s_cases[shape];
        Compilation compilation = GeneratorHarness.CreateCompilation(Usings + "namespace Sample;\n" + source);
        SyntaxTree tree = compilation.SyntaxTrees.Single();
        SemanticModel model = compilation.GetSemanticModel(tree);
        TypeDeclarationSyntax declaration = tree.GetRoot().DescendantNodes().OfType<TypeDeclarationSyntax>().First(c => c.Identifier.ValueText == "Handler");
        var type = (INamedTypeSymbol)model.GetDeclaredSymbol(declaration)!;

        bool decided = UpgradeProtocolGenerator.Parser.TryReadConstructorFromSyntax(type, model, CancellationToken.None, out ConstructorParameterModel[]? fromSyntax);

        Assert.Equal(read, decided);
        DeclaredHandler handler = DeclaredHandler.Read(type, WellKnownTypes.Create(compilation), CancellationToken.None)!;
        ConstructorParameterModel[]? fromSymbol = handler.Constructor is { } constructor ? UpgradeProtocolGenerator.Parser.ParseParameters(constructor) : null;
        if (decided)
        {
            Assert.Equal(fromSymbol is null, fromSyntax is null);
            Assert.Equal(fromSymbol ?? [], fromSyntax ?? []);
        }
    }

    private static string Handler(string primaryConstructor, string baseType = "", string members = "", bool partial = false) => $$"""
        [UpgradeProtocol("echo")]
        public {{(partial ? "partial" : "sealed")}} class Handler{{primaryConstructor}} : {{baseType}}IUpgradeHandler
        {
            {{members}}
            {{Handle}}
        }
        """;
}
