using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Threading;
using System.Threading.Tasks;
using HttpUpgrade.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace HttpUpgrade.Analyzers.Tests;

/// <summary>
/// One corpus of registrations, two judges: a registration the analyzers pass (no error on it or its class) is one the
/// generator emits and the runtime accepts, and one they flag is one the generator skips.
/// </summary>
public sealed class GeneratorParityTests
{
    private const string HandleAsync = "public Task HandleAsync(UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;";
    private const string OnConnectedAsync = "public Task OnConnectedAsync(WebSocket socket, UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;";

    private static readonly SymbolDisplayFormat s_handlerNameFormat = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces);

    // Registrations the analyzers pass: valid tokens, OWS around list elements, warnings only (h2c, WebSocket 8).
    private const string ValidRegistrations = $$"""
        [UpgradeProtocol("websocket", Versions = "13", SubProtocols = "chat.v2, chat.v1")]
        [UpgradeProtocol("WebSocket", Versions = " 13 ", SubProtocols = "\tgraphql-transport-ws ,mqtt")]
        public sealed class ChatHandler : IWebSocketHandler { {{OnConnectedAsync}} }

        [UpgradeProtocol("websocket", Versions = "8")]
        public sealed class LegacyWebSocketHandler : IWebSocketHandler { {{OnConnectedAsync}} }

        [UpgradeProtocol("echo", Versions = "1, 2")]
        [UpgradeProtocol("echo-any")]
        [UpgradeProtocol("echo-empty", Versions = "", SubProtocols = "")]
        [UpgradeProtocol("echo-null", Versions = null)]
        [UpgradeProtocol("TLS", Versions = "1.3,1.2")]
        [UpgradeProtocol("!#$%&'*+-.^_`|~09AZaz")]
        [UpgradeProtocol("h2c")]
        [UpgradeProtocol("HTTP", Versions = "1.1")]
        [UpgradeProtocol("h2-")]
        [UpgradeProtocol("h22")]
        public sealed class EchoHandler : IUpgradeHandler { {{HandleAsync}} }

        [UpgradeProtocol("in-parameter")]
        internal sealed class InParameterHandler(IServiceProvider services, string name = "x", int? limit = null, DayOfWeek day = DayOfWeek.Friday, in int size = 4) : IUpgradeHandler
        {
            {{HandleAsync}}
        }

        [UpgradeProtocol("di")]
        internal sealed class InjectedHandler : IUpgradeHandler
        {
            public InjectedHandler(IServiceProvider services, string name = "x", int? limit = null, DayOfWeek day = DayOfWeek.Friday) { }
            private InjectedHandler() { }
            protected InjectedHandler(int hidden) { }
            {{HandleAsync}}
        }

        [UpgradeProtocol("marked-constructor")]
        public sealed class MarkedConstructorHandler : IUpgradeHandler
        {
            public MarkedConstructorHandler() { }
            [Microsoft.Extensions.DependencyInjection.ActivatorUtilitiesConstructor]
            public MarkedConstructorHandler(IServiceProvider services) { }
            {{HandleAsync}}
        }

        [UpgradeProtocol("required")]
        public sealed class RequiredHandler : IUpgradeHandler
        {
            [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
            public RequiredHandler() => Name = "x";
            public required string Name { get; init; }
            {{HandleAsync}}
        }

        public abstract class HandlerBase : IUpgradeHandler { {{HandleAsync}} }

        [UpgradeProtocol("derived")]
        public sealed class DerivedHandler : HandlerBase { }

        public class Outer
        {
            [UpgradeProtocol("nested")]
            public sealed class NestedHandler : IUpgradeHandler { {{HandleAsync}} }

            protected internal class Middle
            {
                [UpgradeProtocol("protected-internal")]
                internal sealed class DeepHandler : IUpgradeHandler { {{HandleAsync}} }
            }
        }

        [UpgradeProtocol("record")]
        public sealed record class RecordHandler : IUpgradeHandler { {{HandleAsync}} }

        public sealed partial class PartialHandler : IUpgradeHandler { {{HandleAsync}} }

        [UpgradeProtocol("partial")]
        public sealed partial class PartialHandler { }
        """;

    // Registrations the analyzers flag on a class that is otherwise fine: each is skipped, its valid siblings are not.
    private const string InvalidRegistrations = $$"""
        [UpgradeProtocol("mixed-valid", Versions = "1")]
        [UpgradeProtocol("web socket")]
        [UpgradeProtocol("")]
        [UpgradeProtocol(null)]
        [UpgradeProtocol("websocket/13")]
        [UpgradeProtocol(" echo")]
        [UpgradeProtocol("échange")]
        [UpgradeProtocol("a;b")]
        [UpgradeProtocol("bad-versions-1", Versions = "1,,2")]
        [UpgradeProtocol("bad-versions-2", Versions = "1 2")]
        [UpgradeProtocol("bad-versions-3", Versions = "v1, V1")]
        [UpgradeProtocol("bad-versions-4", Versions = " ")]
        [UpgradeProtocol("bad-versions-5", Versions = "1,")]
        [UpgradeProtocol("bad-subprotocols-1", SubProtocols = "a, A")]
        [UpgradeProtocol("bad-subprotocols-2", SubProtocols = "a b")]
        [UpgradeProtocol("bad-subprotocols-3", SubProtocols = "a,")]
        [UpgradeProtocol("bad-subprotocols-4", SubProtocols = "\t")]
        [UpgradeProtocol("h2")]
        [UpgradeProtocol("H3")]
        [UpgradeProtocol("h2-14")]
        [UpgradeProtocol("h3-29")]
        [UpgradeProtocol("HTTP/2")]
        [UpgradeProtocol("HTTP/3.0")]
        [UpgradeProtocol("HTTP", Versions = "1.1, 2")]
        [UpgradeProtocol("http", Versions = "3.0")]
        [UpgradeProtocol("Http", Versions = "2.0")]
        public sealed class MixedHandler : IUpgradeHandler { {{HandleAsync}} }
        """;

    // UPG003: within a class, the first registration of a claim in source order passes and each later one is flagged.
    // Different classes may claim the same thing: both pass (an endpoint serving both is UPG011's business). Registrations
    // flagged for another reason claim nothing, so a later one that repeats their claims passes.
    private const string FirstFileWithDuplicates = $$"""
        [UpgradeProtocol("dup-class", Versions = "1")]
        public sealed class FirstClaimant : IUpgradeHandler { {{HandleAsync}} }

        [UpgradeProtocol("DUP-CLASS", Versions = "1")]
        public sealed class LaterClaimant : IUpgradeHandler { {{HandleAsync}} }

        [UpgradeProtocol("dup-repeat")]
        [UpgradeProtocol("Dup-Repeat")]
        [UpgradeProtocol("dup-overlap", Versions = "1, 2")]
        [UpgradeProtocol("dup-overlap", Versions = "2, 3")]
        [UpgradeProtocol("dup-overlap", Versions = "3")]
        [UpgradeProtocol("dup-overlap", Versions = "4")]
        [UpgradeProtocol("websocket", Versions = "13", SubProtocols = "dup.v1, dup.v2")]
        [UpgradeProtocol("WebSocket", Versions = "13", SubProtocols = "DUP.V2")]
        [UpgradeProtocol("HTTP", Versions = "1.0, 2")]
        [UpgradeProtocol("HTTP", Versions = "1.0")]
        public sealed class RepeatingHandler : IUpgradeHandler { {{HandleAsync}} }

        [UpgradeProtocol("dup-skipped")]
        [UpgradeProtocol("dup-skipped")]
        public abstract class AbstractClaimant : IUpgradeHandler { {{HandleAsync}} }

        [UpgradeProtocol("dup-skipped")]
        [UpgradeProtocol("dup-skipped")]
        public sealed class InterfacelessClaimant { }

        [UpgradeProtocol("DUP-PARTIAL")]
        [UpgradeProtocol("dup-partial-own")]
        public sealed partial class SplitHandler { }

        [UpgradeProtocol("websocket", SubProtocols = "ws-only")]
        [UpgradeProtocol("ws-only-raw")]
        [UpgradeProtocol("ws-only-raw")]
        [UpgradeProtocol("WebSocket", SubProtocols = "WS-ONLY")]
        [UpgradeProtocol("TLS", Versions = "1.2")]
        public sealed class WebSocketOnlyHandler : IWebSocketHandler { {{OnConnectedAsync}} }

        [UpgradeProtocol("websocket", SubProtocols = "both")]
        [UpgradeProtocol("both-raw")]
        public sealed class BothContractsHandler : IWebSocketHandler, IUpgradeHandler { {{OnConnectedAsync}} {{HandleAsync}} }

        [UpgradeProtocol("ws-abstract-raw")]
        public abstract class AbstractWebSocketHandler : IWebSocketHandler { {{OnConnectedAsync}} }
        """;

    // Later in source order than the file above by path, though earlier in the compilation.
    private const string SecondFileWithDuplicates = $$"""
        [UpgradeProtocol("dup-class", Versions = "1")]
        [UpgradeProtocol("dup-file", Versions = "1")]
        public sealed class OtherFileClaimant : IUpgradeHandler { {{HandleAsync}} }

        [UpgradeProtocol("dup-partial")]
        public sealed partial class SplitHandler : IUpgradeHandler { {{HandleAsync}} }
        """;

    // Classes the analyzers flag (UPG004, UPG005): every registration of theirs is skipped.
    private const string InvalidClasses = $$"""
        [UpgradeProtocol("no-interface")]
        public sealed class NoInterface { }

        [UpgradeProtocol("abstract")]
        public abstract class AbstractHandler : IUpgradeHandler { {{HandleAsync}} }

        [UpgradeProtocol("static")]
        public static class StaticHandler { }

        [UpgradeProtocol("generic")]
        public sealed class GenericHandler<T> : IUpgradeHandler { {{HandleAsync}} }

        public static class GenericOuter<T>
        {
            [UpgradeProtocol("in-generic")]
            public sealed class Handler : IUpgradeHandler { {{HandleAsync}} }
        }

        [UpgradeProtocol("file-local")]
        file sealed class FileLocalHandler : IUpgradeHandler { {{HandleAsync}} }

        public class Hidden
        {
            [UpgradeProtocol("private")]
            private sealed class PrivateHandler : IUpgradeHandler { {{HandleAsync}} }

            [UpgradeProtocol("protected")]
            protected sealed class ProtectedHandler : IUpgradeHandler { {{HandleAsync}} }

            [UpgradeProtocol("private-protected")]
            private protected sealed class PrivateProtectedHandler : IUpgradeHandler { {{HandleAsync}} }

            private class PrivateMiddle
            {
                [UpgradeProtocol("in-private")]
                public sealed class Handler : IUpgradeHandler { {{HandleAsync}} }
            }
        }

        [UpgradeProtocol("no-constructor")]
        public sealed class NoConstructor : IUpgradeHandler { private NoConstructor() { } {{HandleAsync}} }

        [UpgradeProtocol("two-constructors")]
        public sealed class TwoConstructors : IUpgradeHandler { public TwoConstructors() { } internal TwoConstructors(string s) { } {{HandleAsync}} }

        [UpgradeProtocol("required-unset")]
        public sealed class RequiredUnset : IUpgradeHandler { public required string Name { get; init; } {{HandleAsync}} }

        [UpgradeProtocol("ref-parameter")]
        public sealed class RefParameter(ref int count) : IUpgradeHandler { {{HandleAsync}} }

        [UpgradeProtocol("out-parameter")]
        public sealed class OutParameter : IUpgradeHandler { public OutParameter(out int count) => count = 0; {{HandleAsync}} }

        [UpgradeProtocol("span-parameter")]
        public sealed class SpanParameter(Span<byte> buffer) : IUpgradeHandler { {{HandleAsync}} }

        [UpgradeProtocol("nullable-value-parameter")]
        public sealed class NullableValueParameter(int? limit) : IUpgradeHandler { {{HandleAsync}} }

        [UpgradeProtocol("datetime-default")]
        public sealed class DateTimeDefault(
            [System.Runtime.InteropServices.Optional, System.Runtime.CompilerServices.DateTimeConstant(0)] DateTime since) : IUpgradeHandler
        {
            {{HandleAsync}}
        }

        [UpgradeProtocol("two-marked")]
        public sealed class TwoMarked : IUpgradeHandler
        {
            [Microsoft.Extensions.DependencyInjection.ActivatorUtilitiesConstructor] public TwoMarked() { }
            [Microsoft.Extensions.DependencyInjection.ActivatorUtilitiesConstructor] public TwoMarked(IServiceProvider services) { }
            {{HandleAsync}}
        }

        [UpgradeProtocol("private-marked")]
        public sealed class PrivateMarked : IUpgradeHandler
        {
            public PrivateMarked() { }
            [Microsoft.Extensions.DependencyInjection.ActivatorUtilitiesConstructor] private PrivateMarked(IServiceProvider services) { }
            {{HandleAsync}}
        }

        [UpgradeProtocol("arglist")]
        public sealed class ArgList : IUpgradeHandler { public ArgList(__arglist) { } {{HandleAsync}} }
        """;

    [Fact]
    public async Task AnalyzerVerdict_MatchesGeneratorEmitAndSkip_ForEveryRegistration()
    {
        CSharpCompilation compilation = CreateCorpus();
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

        ImmutableArray<Diagnostic> diagnostics = await compilation
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new UpgradeProtocolAnalyzer(), new DuplicateRegistrationAnalyzer()))
            .GetAnalyzerDiagnosticsAsync(CancellationToken.None);

        List<string> emitted = RunGeneratorAndLoadRegistrations(compilation);
        List<(string Key, bool Flagged, string Attribute)> verdicts = AnalyzerVerdicts(compilation, diagnostics);

        // Each registration the analyzers pass takes one emitted row with its key; a flagged one must find none left.
        var unclaimed = new List<string>(emitted);
        var disagreements = new List<string>();
        foreach ((string key, bool flagged, string attribute) in verdicts.OrderBy(v => v.Flagged))
        {
            if (unclaimed.Remove(key) == flagged)
            {
                disagreements.Add((flagged ? "flagged but emitted: " : "passed but skipped: ") + attribute);
            }
        }

        disagreements.AddRange(unclaimed.Select(key => "emitted but not in the corpus: " + key));
        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements));

        // The corpus exercises both sides: this is not two empty sets agreeing.
        Assert.Equal(37, verdicts.Count(v => !v.Flagged));
        Assert.Equal(61, verdicts.Count(v => v.Flagged));
        Assert.Equal(6, diagnostics.Count(d => d.Id == "UPG003"));
        Assert.Equal(4, diagnostics.Count(d => d.Id == "UPG004" && d.GetMessage(CultureInfo.InvariantCulture).Contains("implements only IWebSocketHandler", StringComparison.Ordinal)));
        Assert.Equal(10, diagnostics.Count(d => d.Id == "UPG006"));
        Assert.Contains(diagnostics, d => d.Id == "UPG007");
        Assert.Contains(diagnostics, d => d.Id == "UPG009");
    }

    private static CSharpCompilation CreateCorpus()
    {
        const string Usings = "using System;\nusing System.Net.WebSockets;\nusing System.Threading;\nusing System.Threading.Tasks;\nusing HttpUpgrade;\n\nnamespace Corpus;\n\n";
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        return CSharpCompilation.Create(
            "ParityCorpus",
            new[]
            {
                CSharpSyntaxTree.ParseText(Usings + ValidRegistrations, parse, "/corpus/Valid.cs"),
                CSharpSyntaxTree.ParseText(Usings + InvalidRegistrations, parse, "/corpus/InvalidRegistrations.cs"),
                CSharpSyntaxTree.ParseText(Usings + InvalidClasses, parse, "/corpus/InvalidClasses.cs"),
                CSharpSyntaxTree.ParseText(Usings + SecondFileWithDuplicates, parse, "/corpus/Duplicates.Second.cs"),
                CSharpSyntaxTree.ParseText(Usings + FirstFileWithDuplicates, parse, "/corpus/Duplicates.First.cs"),
            },
            TestReferences.Net
                .Add(TestReferences.HttpUpgrade)
                .AddRange(TestReferences.AspNetCore.Where(r => r.Display!.EndsWith("Microsoft.Extensions.DependencyInjection.Abstractions.dll", StringComparison.Ordinal))),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }

    // The generator is internal, which Roslyn allows: the compiler finds it by its [Generator] attribute and creates it by
    // reflection, as this does (this project sees the analyzers' internals, and the sources they share with the generator).
    private static IIncrementalGenerator CreateGenerator()
        => (IIncrementalGenerator)Activator.CreateInstance(
            Type.GetType("HttpUpgrade.Generators.UpgradeProtocolGenerator, HttpUpgrade.Generators", throwOnError: true)!)!;

    // What the generated registry holds at run time: the generator's output, compiled, loaded and constructed.
    private static List<string> RunGeneratorAndLoadRegistrations(CSharpCompilation compilation)
    {
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            new[] { CreateGenerator().AsSourceGenerator() },
            parseOptions: (CSharpParseOptions)compilation.SyntaxTrees.First().Options);
        driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        Assert.Empty(generatorDiagnostics);

        using var image = new System.IO.MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult result = output.Emit(image);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));

        var context = new AssemblyLoadContext("ParityCorpus", isCollectible: true);
        try
        {
            image.Position = 0;
            Assembly assembly = context.LoadFromStream(image);
            // The one registry the generator wrote for this assembly, whatever it names it.
            Type registryType = Assert.Single(assembly.GetTypes(), type => typeof(IUpgradeRegistry).IsAssignableFrom(type));
            var registry = (IUpgradeRegistry)registryType.GetProperty("Instance", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
            return registry.Registrations
                .Select(r => Key(r.HandlerName, r.Name, r.Versions, r.SubProtocols))
                .ToList();
        }
        finally
        {
            context.Unload();
        }
    }

    // Per attribute: flagged when an error lies on the attribute itself or on its class (UPG004, UPG005).
    private static List<(string Key, bool Flagged, string Attribute)> AnalyzerVerdicts(CSharpCompilation compilation, ImmutableArray<Diagnostic> diagnostics)
    {
        Diagnostic[] errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        var verdicts = new List<(string, bool, string)>();
        foreach (SyntaxTree tree in compilation.SyntaxTrees)
        {
            SemanticModel model = compilation.GetSemanticModel(tree);
            foreach (TypeDeclarationSyntax declaration in tree.GetRoot().DescendantNodes().OfType<TypeDeclarationSyntax>())
            {
                var type = (INamedTypeSymbol)model.GetDeclaredSymbol(declaration)!;
                bool classFlagged = errors.Any(d => d.Id is "UPG004" or "UPG005" && SymbolEqualityComparer.Default.Equals(type, SymbolAt(compilation, d)));
                foreach (AttributeSyntax attribute in declaration.AttributeLists.SelectMany(list => list.Attributes))
                {
                    AttributeData data = type.GetAttributes().Single(a => a.ApplicationSyntaxReference!.SyntaxTree == tree && a.ApplicationSyntaxReference.Span == attribute.Span);
                    bool flagged = classFlagged || errors.Any(d => d.Location.SourceTree == tree && attribute.Span.Contains(d.Location.SourceSpan));
                    string name = data.ConstructorArguments[0].Value as string ?? "<null>";
                    string? versions = NamedArgument(data, "Versions");
                    string? subProtocols = NamedArgument(data, "SubProtocols");
                    verdicts.Add((
                        Key(type.ToDisplayString(s_handlerNameFormat), name, RegistrationRules.SplitList(versions), RegistrationRules.SplitList(subProtocols)),
                        flagged,
                        type.Name + " " + attribute));
                }
            }
        }

        return verdicts;
    }

    private static ISymbol? SymbolAt(Compilation compilation, Diagnostic diagnostic)
    {
        SyntaxTree tree = diagnostic.Location.SourceTree!;
        SyntaxNode node = tree.GetRoot().FindToken(diagnostic.Location.SourceSpan.Start).Parent!;
        return compilation.GetSemanticModel(tree).GetDeclaredSymbol(node);
    }

    private static string? NamedArgument(AttributeData attribute, string name) =>
        attribute.NamedArguments.FirstOrDefault(argument => argument.Key == name).Value.Value as string;

    private static string Key(string handler, string name, IEnumerable<string> versions, IEnumerable<string> subProtocols) =>
        handler + " | " + name + " | " + string.Join(",", versions) + " | " + string.Join(",", subProtocols);
}
