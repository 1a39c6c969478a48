using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(HttpUpgrade.Benchmarks.NegotiationBenchmarks).Assembly).Run(args);
