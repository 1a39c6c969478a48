using System;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace HttpUpgrade.Generators.Tests;

/// <summary>
/// Compares the generated files with the baselines under Baselines/. After an intended change to the output,
/// run the tests once with UPDATE_BASELINES=1 to rewrite them, then review the diff.
/// </summary>
public sealed class SnapshotTests
{
    [Fact]
    public void RepresentativeHandlersMatchBaselines()
    {
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(TestSources.Trees()));

        AssertMatchesBaselines("Representative", run);
    }

    [Fact]
    public void WithoutDependencyInjectionOnlyTheRegistryIsGenerated()
    {
        GeneratorRun withDependencyInjection = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(TestSources.Trees()));
        GeneratorRun without = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(TestSources.Trees(), withDependencyInjection: false));

        Assert.Equal(new[] { "UpgradeHandlerRegistry.g.cs" }, without.HintNames);
        new DefaultVerifier().EqualOrDiff(withDependencyInjection.Text("UpgradeHandlerRegistry.g.cs"), without.Text("UpgradeHandlerRegistry.g.cs"));
        using LoadedAssembly loaded = without.Load();
        Assert.Equal(6, loaded.Registry.Registrations.Count);
    }

    private static void AssertMatchesBaselines(string scenario, GeneratorRun run, [CallerFilePath] string testFile = "")
    {
        if (Environment.GetEnvironmentVariable("UPDATE_BASELINES") == "1")
        {
            string directory = Path.Combine(Path.GetDirectoryName(testFile)!, "Baselines", scenario);
            Directory.CreateDirectory(directory);
            foreach (string stale in Directory.EnumerateFiles(directory, "*.g.cs"))
            {
                File.Delete(stale);
            }

            foreach (string hintName in run.HintNames)
            {
                File.WriteAllText(Path.Combine(directory, hintName), run.Text(hintName));
            }

            return;
        }

        string[] expectedFiles = Directory.EnumerateFiles(BaselineDirectory(scenario), "*.g.cs")
            .Select(path => Path.GetFileName(path))
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(expectedFiles, run.HintNames);
        var verifier = new DefaultVerifier();
        foreach (string hintName in expectedFiles)
        {
            verifier.EqualOrDiff(ReadBaseline(scenario, hintName), run.Text(hintName), $"{hintName} differs from its baseline; rerun with UPDATE_BASELINES=1 if the change is intended.");
        }
    }

    private static string BaselineDirectory(string scenario) => Path.Combine(AppContext.BaseDirectory, "Baselines", scenario);

    private static string ReadBaseline(string scenario, string hintName) => File.ReadAllText(Path.Combine(BaselineDirectory(scenario), hintName));
}
