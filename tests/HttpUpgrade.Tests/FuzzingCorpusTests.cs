using System.Collections.Generic;
using System.IO;
using HttpUpgrade.Fuzzing;
using HttpUpgrade.Testing;
using Xunit;

namespace HttpUpgrade.Tests;

/// <summary>
/// The fuzzing harnesses' self-test, in-process and without a fuzzer: every harness once over every input of the corpus
/// kept in tests/HttpUpgrade.Fuzzing/Corpus. A harness throws when the library breaks a rule on an input, so an input a
/// campaign found and a fix made harmless stays a regression test here.
/// </summary>
public sealed class FuzzingCorpusTests
{
    [Fact]
    public void EveryHarness_PassesOnEveryCorpusInput()
    {
        IReadOnlyDictionary<string, int> ran = Harnesses.SelfTest(Path.Combine(RepositoryPaths.Root, "tests", "HttpUpgrade.Fuzzing", "Corpus"));

        foreach (string harness in Harnesses.All.Keys)
        {
            Assert.True(ran[harness] >= 5, $"the {harness} corpus has {ran[harness]} inputs");
        }
    }
}
