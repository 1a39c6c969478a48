using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using HttpUpgrade.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace HttpUpgrade.Generators.Tests;

/// <summary>Compiles test sources against the real runtime and runs the generator over them.</summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly CSharpCompilationOptions s_compilationOptions = new(
        OutputKind.DynamicallyLinkedLibrary,
        nullableContextOptions: NullableContextOptions.Enable,
        deterministic: true);

    // The shared framework this test runs on, plus the HttpUpgrade runtime; metadata is read once and shared by every compilation.
    private static readonly Lazy<ImmutableArray<MetadataReference>> s_coreReferences = new(() =>
    {
        string frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(path => string.Equals(Path.GetDirectoryName(path), frameworkDirectory, StringComparison.Ordinal))
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
        return references.Add(MetadataReference.CreateFromFile(typeof(UpgradeRegistration).Assembly.Location));
    });

    // IServiceCollection and TryAddEnumerable, from the ASP.NET Core shared framework the test host loaded.
    private static readonly Lazy<ImmutableArray<MetadataReference>> s_dependencyInjectionReferences = new(() =>
        s_coreReferences.Value.Add(MetadataReference.CreateFromFile(typeof(IServiceCollection).Assembly.Location)));

    public static SyntaxTree Parse(string source, string path) => CSharpSyntaxTree.ParseText(source, ParseOptions, path);

    public static CSharpCompilation CreateCompilation(string source, bool withDependencyInjection = true)
        => CreateCompilation(new[] { Parse(source, "Handlers.cs") }, withDependencyInjection);

    public static CSharpCompilation CreateCompilation(
        IEnumerable<SyntaxTree> trees,
        bool withDependencyInjection = true,
        string assemblyName = "Sample",
        IEnumerable<MetadataReference>? references = null)
        => CSharpCompilation.Create(
            assemblyName,
            trees,
            (withDependencyInjection ? s_dependencyInjectionReferences.Value : s_coreReferences.Value).AddRange(references ?? Enumerable.Empty<MetadataReference>()),
            s_compilationOptions);

    public static GeneratorDriver CreateDriver(bool trackSteps = false)
        => CSharpGeneratorDriver.Create(
            new[] { new UpgradeProtocolGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    /// <summary>
    /// Runs the generator once. The input must compile cleanly on its own unless it calls generated code
    /// (<paramref name="inputCallsGeneratedCode"/>); <see cref="GeneratorRun.Load"/> checks the output either way.
    /// </summary>
    public static GeneratorRun Run(Compilation compilation, bool inputCallsGeneratedCode = false)
    {
        if (!inputCallsGeneratedCode)
        {
            AssertNoDiagnostics("input", compilation.GetDiagnostics());
        }

        GeneratorDriver driver = CreateDriver().RunGeneratorsAndUpdateCompilation(
            compilation,
            out Compilation output,
            out ImmutableArray<Diagnostic> generatorDiagnostics);
        GeneratorRunResult result = Assert.Single(driver.GetRunResult().Results);
        Assert.Null(result.Exception);
        Assert.Empty(generatorDiagnostics);
        return new GeneratorRun(output, result.GeneratedSources);
    }

    /// <summary>Fails on any warning or error: generated code must compile as cleanly as the code it comes from.</summary>
    public static void AssertNoDiagnostics(string what, IEnumerable<Diagnostic> diagnostics)
    {
        Diagnostic[] problems = diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        Assert.True(problems.Length == 0, $"The {what} compilation reported:\n" + string.Join("\n", problems.Select(d => d.ToString())));
    }
}

/// <summary>The outcome of one generator run: the updated compilation and the files added to it.</summary>
internal sealed record GeneratorRun(Compilation Output, ImmutableArray<GeneratedSourceResult> Sources)
{
    public IEnumerable<string> HintNames => Sources.Select(source => source.HintName).Order(StringComparer.Ordinal);

    public string Text(string hintName) => Assert.Single(Sources, source => source.HintName == hintName).SourceText.ToString();

    /// <summary>Checks that input and generated code compile without a warning, then loads the assembly.</summary>
    public LoadedAssembly Load(params GeneratorRun[] references)
    {
        GeneratorHarness.AssertNoDiagnostics("generated", Output.GetDiagnostics());
        return new LoadedAssembly(Output, references.Select(reference => reference.Output).ToArray());
    }
}
