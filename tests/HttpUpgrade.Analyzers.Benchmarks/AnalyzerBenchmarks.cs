using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace HttpUpgrade.Analyzers.Benchmarks;

/// <summary>
/// What the analyzers add to a build of a 1,000-handler compilation. <see cref="CompilerOnly"/> is the baseline: the
/// compiler's own diagnostics, which bind every method body. Each other benchmark is the same work plus analyzers, so
/// the difference is the analyzers' cost. Every operation starts from a fresh clone, so no binding is reused.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 12)]
public class AnalyzerBenchmarks
{
    private CSharpCompilation _compilation = null!;

    [Params("None", "UpgradeProtocolAnalyzer", "DuplicateRegistrationAnalyzer", "ConnectionHeaderAnalyzer", "UpgradeEndpointProtocolsAnalyzer", "EndpointCollisionAnalyzer", "EndpointHandlerTypeAnalyzer", "All")]
    public string Analyzers { get; set; } = "None";

    [GlobalSetup]
    public void Setup()
    {
        _compilation = HandlerCorpus.Create();
        ImmutableArray<Diagnostic> errors = _compilation.GetDiagnostics().RemoveAll(d => d.Severity != DiagnosticSeverity.Error);
        if (!errors.IsEmpty)
        {
            throw new System.InvalidOperationException("The corpus does not compile: " + errors[0]);
        }
    }

    [Benchmark]
    public async Task<int> CompilerAndAnalyzers()
    {
        CSharpCompilation compilation = _compilation.Clone();
        ImmutableArray<DiagnosticAnalyzer> analyzers = Select(Analyzers);
        if (analyzers.IsEmpty)
        {
            return compilation.GetDiagnostics().Length;
        }

        var withAnalyzers = new CompilationWithAnalyzers(
            compilation,
            analyzers,
            new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                onAnalyzerException: null,
                concurrentAnalysis: true,
                logAnalyzerExecutionTime: false));
        ImmutableArray<Diagnostic> diagnostics = await withAnalyzers.GetAllDiagnosticsAsync(CancellationToken.None);
        return diagnostics.Length;
    }

    internal static ImmutableArray<DiagnosticAnalyzer> Select(string name) => name switch
    {
        "None" => ImmutableArray<DiagnosticAnalyzer>.Empty,
        "All" => All(),
        _ => All().RemoveAll(analyzer => analyzer.GetType().Name != name),
    };

    // Every analyzer HttpUpgrade ships.
    internal static ImmutableArray<DiagnosticAnalyzer> All() => ImmutableArray.Create<DiagnosticAnalyzer>(
        new UpgradeProtocolAnalyzer(),
        new DuplicateRegistrationAnalyzer(),
        new ConnectionHeaderAnalyzer(),
        new UpgradeEndpointProtocolsAnalyzer(),
        new EndpointCollisionAnalyzer(),
        new EndpointHandlerTypeAnalyzer());
}
