using System.Linq;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace HttpUpgrade.Generators.Benchmarks;

/// <summary>
/// What the generator costs, per run, for apps of 10, 100 and 1,000 handler classes.
/// <list type="bullet">
/// <item><see cref="FullRun"/>: a command-line build, a fresh driver on a fresh compilation.</item>
/// <item><see cref="UnrelatedEdit"/>: a keystroke in the IDE in a file without handlers; every step should be cached.</item>
/// <item><see cref="TokenEdit"/>: an edit to one handler's <c>[UpgradeProtocol]</c>, which re-emits the registry.</item>
/// </list>
/// Every operation gets a compilation it has not seen, as the compiler and the IDE do, so no binding is reused.
/// <c>Generator=Floor</c> runs the same operations with <see cref="FloorGenerator"/>: what finding the classes costs
/// any generator, so the difference is this generator's own work.
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private HandlerCorpus _corpus = null!;
    private GeneratorDriver _warmDriver = null!;
    private int _edit;

    [Params(10, 100, 1000)]
    public int Handlers { get; set; }

    /// <summary><c>UpgradeProtocol</c>, the generator; <c>Floor</c>, Roslyn's attribute lookup alone (<see cref="FloorGenerator"/>).</summary>
    [Params("UpgradeProtocol", "Floor")]
    public string Generator { get; set; } = "UpgradeProtocol";

    [GlobalSetup]
    public void Setup()
    {
        _corpus = new HandlerCorpus(Handlers);
        _warmDriver = CreateDriver().RunGeneratorsAndUpdateCompilation(_corpus.Compilation, out Compilation output, out _);
        Diagnostic[] errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        int generatedFiles = Generator == "Floor" ? 0 : 2;
        if (errors.Length > 0 || output.SyntaxTrees.Count() != _corpus.Compilation.SyntaxTrees.Count() + generatedFiles)
        {
            throw new System.InvalidOperationException("The corpus does not generate cleanly: " + string.Join("\n", errors.Select(e => e.ToString())));
        }
    }

    [Benchmark(Baseline = true)]
    public GeneratorDriver FullRun() => CreateDriver().RunGenerators(_corpus.Compilation.Clone());

    [Benchmark]
    public GeneratorDriver UnrelatedEdit()
    {
        return _warmDriver.RunGenerators(_corpus.Compilation.ReplaceSyntaxTree(_corpus.Unrelated, HandlerCorpus.EditedStartup(++_edit)));
    }

    [Benchmark]
    public GeneratorDriver TokenEdit()
    {
        (SyntaxTree before, SyntaxTree after) = _corpus.EditedHandler;
        return _warmDriver.RunGenerators(_corpus.Compilation.ReplaceSyntaxTree(before, after));
    }

    private GeneratorDriver CreateDriver()
        => CSharpGeneratorDriver.Create(
            new[] { Generator == "Floor" ? new FloorGenerator().AsSourceGenerator() : new UpgradeProtocolGenerator().AsSourceGenerator() },
            parseOptions: new CSharpParseOptions(LanguageVersion.Latest));
}
