using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Xunit;

namespace HttpUpgrade.Generators.Tests;

/// <summary>The generated files depend on what is declared, not on the order it is declared in.</summary>
public sealed class DeterminismTests
{
    private static readonly string[] s_declarations =
    {
        """
        [UpgradeProtocol("websocket", Versions = "13")]
        public sealed class Zeta : IUpgradeHandler
        {
            public Task HandleAsync(UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;
        }
        """,
        """
        [UpgradeProtocol("WebSocket", Versions = "13, 8")]
        [UpgradeProtocol("echo")]
        public sealed class Alpha : IUpgradeHandler
        {
            public Task HandleAsync(UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;
        }
        """,
        """
        [UpgradeProtocol("echo", Versions = "2")]
        public sealed partial class Mid : IUpgradeHandler
        {
            public Task HandleAsync(UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;
        }
        """,
        """
        [UpgradeProtocol("echo", Versions = "1")]
        public sealed partial class Mid
        {
        }
        """,
        """
        [UpgradeProtocol("ECHO", Versions = "3")]
        public sealed class Beta : IUpgradeHandler
        {
            public Task HandleAsync(UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;
        }
        """,
    };

    [Fact]
    public void ReorderingDeclarationsInOneFileChangesNoByte()
    {
        Dictionary<string, byte[]> declared = Generate(new[] { GeneratorHarness.Parse(Source(s_declarations), "Handlers.cs") });
        Dictionary<string, byte[]> reversed = Generate(new[] { GeneratorHarness.Parse(Source(s_declarations.Reverse()), "Handlers.cs") });

        AssertIdentical(declared, reversed);
    }

    [Fact]
    public void ReorderingFilesChangesNoByte()
    {
        SyntaxTree[] trees = s_declarations
            .Select((declaration, i) => GeneratorHarness.Parse(Source(new[] { declaration }), $"Handler{i}.cs"))
            .ToArray();

        Dictionary<string, byte[]> declared = Generate(trees);
        Dictionary<string, byte[]> reversed = Generate(trees.Reverse());

        AssertIdentical(declared, reversed);
    }

    [Fact]
    public void SharedNamesAreAdjacentWhateverTheirCase()
    {
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(new[] { GeneratorHarness.Parse(Source(s_declarations.Reverse()), "Handlers.cs") }));

        using LoadedAssembly loaded = run.Load();
        Assert.Equal(
            new[]
            {
                "echo -> Sample.Alpha",
                "ECHO -> Sample.Beta",
                "echo -> Sample.Mid",
                "echo -> Sample.Mid",
                "WebSocket -> Sample.Alpha",
                "websocket -> Sample.Zeta",
            },
            loaded.DescribeRegistrations());
        Assert.Equal(new[] { "1", "2" }, loaded.Registry.Match("Echo").ToArray().Where(r => r.HandlerName == "Sample.Mid").Select(r => r.Versions.Single()));
        Assert.Equal(4, loaded.Registry.Match("eCHO").Length);
    }

    private static Dictionary<string, byte[]> Generate(IEnumerable<SyntaxTree> trees)
    {
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(trees));
        Assert.NotEmpty(run.Sources);
        return run.Sources.ToDictionary(source => source.HintName, source => Encoding.UTF8.GetBytes(source.SourceText.ToString()));
    }

    private static void AssertIdentical(Dictionary<string, byte[]> expected, Dictionary<string, byte[]> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach ((string hintName, byte[] bytes) in expected)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(actual[hintName]), $"{hintName} differs when declarations are reordered.");
        }
    }

    private static string Source(IEnumerable<string> declarations) => $$"""
        using System.Threading;
        using System.Threading.Tasks;
        using HttpUpgrade;

        namespace Sample
        {
        {{string.Join("\n\n", declarations)}}
        }
        """;
}
