using System;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using BenchmarkDotNet.Running;
using HttpUpgrade.Analyzers.Benchmarks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Diagnostics.Telemetry;

// "telemetry" prints Roslyn's own per-analyzer execution time for the 1,000-handler compilation, the number an IDE or
// `dotnet build -p:ReportAnalyzer=true` shows; anything else goes to BenchmarkDotNet.
if (args is ["telemetry", ..])
{
    int runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
    CSharpCompilation corpus = HandlerCorpus.Create();
    Console.WriteLine($"{HandlerCorpus.HandlerCount} handlers in {corpus.SyntaxTrees.Count()} files; {runs} runs, each on a fresh clone");
    for (int run = 1; run <= runs; run++)
    {
        var withAnalyzers = new CompilationWithAnalyzers(
            corpus.Clone(),
            AnalyzerBenchmarks.Select("All"),
            new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                onAnalyzerException: null,
                concurrentAnalysis: true,
                logAnalyzerExecutionTime: true));
        var clock = Stopwatch.StartNew();
        ImmutableArray<Diagnostic> compiler = withAnalyzers.Compilation.GetDiagnostics();
        AnalysisResult result = await withAnalyzers.GetAnalysisResultAsync(CancellationToken.None);
        clock.Stop();
        Console.Write($"run {run}: compiler + analyzers {clock.Elapsed.TotalMilliseconds,6:F0} ms, {compiler.Length + result.GetAllDiagnostics().Length} diagnostics;");
        foreach ((DiagnosticAnalyzer analyzer, AnalyzerTelemetryInfo info) in result.AnalyzerTelemetryInfo.OrderBy(pair => pair.Key.GetType().Name, StringComparer.Ordinal))
        {
            Console.Write($" {analyzer.GetType().Name} {info.ExecutionTime.TotalMilliseconds:F1} ms;");
        }

        Console.WriteLine();
    }

    return;
}

BenchmarkSwitcher.FromAssembly(typeof(AnalyzerBenchmarks).Assembly).Run(args);
