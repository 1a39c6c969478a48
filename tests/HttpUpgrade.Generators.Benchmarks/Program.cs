using BenchmarkDotNet.Running;
using HttpUpgrade.Generators.Benchmarks;

BenchmarkSwitcher.FromAssembly(typeof(GeneratorBenchmarks).Assembly).Run(args);
