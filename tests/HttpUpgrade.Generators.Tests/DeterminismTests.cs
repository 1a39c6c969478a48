using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Xunit;

namespace HttpUpgrade.Generators.Tests;

/// <summary>
/// The generated files depend on what is declared, not on the order it is declared in. The one exception is a duplicate
/// registration within a class (UPG003, an error), which is skipped in favour of the first in source order, as the
/// analyzer reports it: there the file paths and the order within a file decide, never the order of the files in the compilation.
/// </summary>
public sealed class DeterminismTests
{
    private static readonly string[] s_declarations =
    {
        """
        [UpgradeProtocol("websocket", Versions = "13", SubProtocols = "chat")]
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
    public void WithClaimsSharedByClasses_ReorderingFilesChangesNoByte()
    {
        SyntaxTree[] trees =
        {
            GeneratorHarness.Parse(Source(new[] { Echo("Zulu", "\"echo\", Versions = \"1\"") }), "A.cs"),
            GeneratorHarness.Parse(Source(new[] { Echo("Alpha", "\"ECHO\", Versions = \"1\""), Echo("Beta", "\"echo\"") }), "B.cs"),
            GeneratorHarness.Parse(Source(new[] { Echo("Gamma", "\"echo\"") }), "C.cs"),
        };

        Dictionary<string, byte[]> declared = Generate(trees);
        Dictionary<string, byte[]> reversed = Generate(trees.Reverse());

        AssertIdentical(declared, reversed);
        using LoadedAssembly loaded = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(trees.Reverse())).Load();
        Assert.Equal(new[] { "ECHO -> Sample.Alpha", "echo -> Sample.Zulu", "echo -> Sample.Beta", "echo -> Sample.Gamma" }, loaded.DescribeRegistrations());
    }

    [Fact]
    public void WithADuplicateAcrossPartsOfAClass_ReorderingFilesChangesNoByte()
    {
        // UPG003: the part in the file whose path sorts first keeps the claim, whichever file the compilation lists first.
        SyntaxTree[] trees =
        {
            GeneratorHarness.Parse(Source(new[] { "[UpgradeProtocol(\"echo\", Versions = \"1, 2\")]\npublic sealed partial class Split { }" }), "B.cs"),
            GeneratorHarness.Parse(Source(new[] { Echo("Split", "\"ECHO\", Versions = \"1\"").Replace("sealed class", "sealed partial class", StringComparison.Ordinal) }), "A.cs"),
        };

        Dictionary<string, byte[]> declared = Generate(trees);
        Dictionary<string, byte[]> reversed = Generate(trees.Reverse());

        AssertIdentical(declared, reversed);
        using LoadedAssembly loaded = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(trees)).Load();
        Assert.Equal(new[] { "ECHO -> Sample.Split" }, loaded.DescribeRegistrations());
    }

    [Fact]
    public void TwoRunsProduceTheSameBytes()
    {
        SyntaxTree[] trees = TestSources.Trees().ToArray();

        AssertIdentical(Generate(trees), Generate(trees));
    }

    [Theory]
    [InlineData("tr-TR")]
    [InlineData("de-DE")]
    [InlineData("ja-JP")]
    public void TheCurrentCultureChangesNoByte(string culture)
    {
        // Turkish lower-cases 'I' to a dotless 'ı': a culture-sensitive ToLower would split "INFO" from "info".
        SyntaxTree tree = GeneratorHarness.Parse(Source(s_declarations.Append("""
            [UpgradeProtocol("INFO", Versions = "1.5")]
            [UpgradeProtocol("info", Versions = "2")]
            public sealed class Info : IUpgradeHandler
            {
                public Task HandleAsync(UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;
            }
            """)), "Handlers.cs");
        Dictionary<string, byte[]> invariant = WithCulture(CultureInfo.InvariantCulture, () => Generate(new[] { tree }));

        Dictionary<string, byte[]> other = WithCulture(CultureInfo.GetCultureInfo(culture), () => Generate(new[] { tree }));

        AssertIdentical(invariant, other);
        string registry = Encoding.UTF8.GetString(invariant["UpgradeHandlerRegistry.g.cs"]);
        Assert.Contains("MemoryExtensions.Equals(name, \"info\", ", registry, StringComparison.Ordinal);
        Assert.DoesNotContain('\r', registry);
    }

    [Fact]
    public void SharedNamesAreAdjacentWhateverTheirCase()
    {
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(new[] { GeneratorHarness.Parse(Source(s_declarations.Reverse()), "Handlers.cs") }));

        using LoadedAssembly loaded = run.Load();
        // Within a name: registrations that list versions in handler order, then Alpha's, which accepts any version.
        Assert.Equal(
            new[]
            {
                "ECHO -> Sample.Beta",
                "echo -> Sample.Mid",
                "echo -> Sample.Mid",
                "echo -> Sample.Alpha",
                "WebSocket -> Sample.Alpha",
                "websocket -> Sample.Zeta",
            },
            loaded.DescribeRegistrations());
        Assert.Equal(new[] { "1", "2" }, loaded.Registry.Match("Echo").ToArray().Where(r => r.HandlerName == "Sample.Mid").Select(r => r.Versions.Single()));
        Assert.Equal(4, loaded.Registry.Match("eCHO").Length);
    }

    private static T WithCulture<T>(CultureInfo culture, Func<T> action)
    {
        CultureInfo original = CultureInfo.CurrentCulture;
        CultureInfo originalUi = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentCulture = culture;
        CultureInfo.CurrentUICulture = culture;
        try
        {
            return action();
        }
        finally
        {
            CultureInfo.CurrentCulture = original;
            CultureInfo.CurrentUICulture = originalUi;
        }
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

    private static string Echo(string className, string arguments) => $$"""
        [UpgradeProtocol({{arguments}})]
        public sealed class {{className}} : IUpgradeHandler
        {
            public Task HandleAsync(UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;
        }
        """;

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
