using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace HttpUpgrade.Analyzers.Tests.Infrastructure;

/// <summary>Runs an analyzer or a code fix over a test source that references the HttpUpgrade runtime.</summary>
internal static class Verify<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    /// <summary>Usings every test source starts with, so each test shows only the code under test.</summary>
    public const string Usings = """
        using System;
        using System.Net.WebSockets;
        using System.Threading;
        using System.Threading.Tasks;
        using HttpUpgrade;

        """;

    public static DiagnosticResult Diagnostic(string id) => new(id, Descriptor(id).DefaultSeverity);

    public static Task AnalyzerAsync(string source, params DiagnosticResult[] expected)
    {
        CSharpAnalyzerTest<TAnalyzer, DefaultVerifier> test = CreateAnalyzerTest(source);
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    /// <summary>A test of <paramref name="source"/> (after <see cref="Usings"/>) to adjust before running.</summary>
    public static CSharpAnalyzerTest<TAnalyzer, DefaultVerifier> CreateAnalyzerTest(string source)
    {
        var test = new CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
        {
            TestCode = Usings + source,
            ReferenceAssemblies = TestReferences.None,
        };
        test.TestState.AdditionalReferences.AddRange(TestReferences.Net);
        test.TestState.AdditionalReferences.Add(TestReferences.HttpUpgrade);
        return test;
    }

    /// <summary>
    /// Checks that the fix turns <paramref name="source"/> into <paramref name="fixedSource"/> one diagnostic at a time,
    /// and that Fix All (document, project and solution scope) gives <paramref name="batchFixedSource"/>, which defaults
    /// to <paramref name="fixedSource"/>.
    /// </summary>
    public static Task CodeFixAsync<TCodeFix>(string source, string fixedSource, string? batchFixedSource, params DiagnosticResult[] expected)
        where TCodeFix : CodeFixProvider, new()
        => CodeFixWithoutUsingsAsync<TCodeFix>(
            Usings + source,
            Usings + fixedSource,
            batchFixedSource is null ? null : Usings + batchFixedSource,
            expected);

    /// <summary>As <see cref="CodeFixAsync"/>, for sources written in full, without <see cref="Usings"/> in front.</summary>
    public static Task CodeFixWithoutUsingsAsync<TCodeFix>(string source, string fixedSource, string? batchFixedSource, params DiagnosticResult[] expected)
        where TCodeFix : CodeFixProvider, new()
    {
        var test = new CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
        {
            TestCode = source,
            FixedCode = fixedSource,
            ReferenceAssemblies = TestReferences.None,

            // Compilation-end diagnostics (UPG003) are not local to one document, yet the IDE fixes them from the error
            // list after a build or with full solution analysis, as this test does.
            CodeFixTestBehaviors = IsCompilationEnd() ? CodeFixTestBehaviors.SkipLocalDiagnosticCheck : CodeFixTestBehaviors.None,
        };
        if (batchFixedSource is not null)
        {
            test.BatchFixedCode = batchFixedSource;
        }

        test.TestState.AdditionalReferences.AddRange(TestReferences.Net);
        test.TestState.AdditionalReferences.Add(TestReferences.HttpUpgrade);
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    private static bool IsCompilationEnd()
    {
        foreach (DiagnosticDescriptor descriptor in new TAnalyzer().SupportedDiagnostics)
        {
            foreach (string tag in descriptor.CustomTags)
            {
                if (tag == WellKnownDiagnosticTags.CompilationEnd)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static DiagnosticDescriptor Descriptor(string id)
    {
        foreach (DiagnosticDescriptor descriptor in new TAnalyzer().SupportedDiagnostics)
        {
            if (descriptor.Id == id)
            {
                return descriptor;
            }
        }

        throw new System.ArgumentException($"{typeof(TAnalyzer).Name} does not report {id}.", nameof(id));
    }
}
