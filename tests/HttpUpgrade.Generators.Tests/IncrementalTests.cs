using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace HttpUpgrade.Generators.Tests;

/// <summary>An edit that does not touch a handler re-runs no step; an edit to a token does.</summary>
public sealed class IncrementalTests
{
    private static readonly string[] s_trackingNames = typeof(TrackingNames)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(field => field.IsLiteral)
        .Select(field => (string)field.GetRawConstantValue()!)
        .ToArray();

    [Fact]
    public void AddingAnUnrelatedFileRerunsNothing()
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(TestSources.Trees());
        CSharpCompilation edited = compilation.AddSyntaxTrees(GeneratorHarness.Parse(
            "namespace Other { public static class Numbers { public static int Two() => 2; } }",
            "Other.cs"));

        GeneratorRunResult result = RunTwice(compilation, edited);

        AssertNothingReran(result);
    }

    [Fact]
    public void EditingAMethodBodyNextToTheHandlersRerunsNothing()
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(TestSources.Trees());
        CSharpCompilation edited = ReplaceInHandlers(compilation, "public static int Answer() => 42;", "public static int Answer() => 43;");

        GeneratorRunResult result = RunTwice(compilation, edited);

        AssertNothingReran(result);
    }

    [Fact]
    public void ChangingATokenChangesTheOutput()
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(TestSources.Trees());
        CSharpCompilation edited = ReplaceInHandlers(compilation, "[UpgradeProtocol(\"echo\", Versions = \"1\")]", "[UpgradeProtocol(\"echo\", Versions = \"2\")]");

        string before = GeneratorHarness.Run(compilation).Text("UpgradeHandlerRegistry.g.cs");
        GeneratorRunResult result = RunTwice(compilation, edited);

        Assert.Contains(result.TrackedSteps[TrackingNames.Handlers], step => step.Outputs.Any(output => output.Reason == IncrementalStepRunReason.Modified));
        Assert.Contains(result.TrackedSteps[TrackingNames.GeneratorInput], step => step.Outputs.Any(output => output.Reason == IncrementalStepRunReason.Modified));
        string after = Assert.Single(result.GeneratedSources, source => source.HintName == "UpgradeHandlerRegistry.g.cs").SourceText.ToString();
        Assert.NotEqual(before, after);
        Assert.Contains("\"echo\",\n                new string[] { \"2\" },", after, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelsHoldOnlyEquatableValues()
    {
        Type[] models = { typeof(CompilationModel), typeof(HandlerModel), typeof(ConstructorParameterModel), typeof(RegistrationModel) };

        foreach (Type model in models)
        {
            Assert.True(model.IsSealed, $"{model.Name} is not sealed");
            foreach (PropertyInfo property in model.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.Name != "EqualityContract"))
            {
                Assert.True(IsAllowed(property.PropertyType), $"{model.Name}.{property.Name} is a {property.PropertyType}");
            }
        }

        static bool IsAllowed(Type type)
            => type == typeof(string) || type == typeof(bool) || type.IsEnum
                || (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(EquatableArray<>) && IsAllowedElement(type.GetGenericArguments()[0]));

        static bool IsAllowedElement(Type type)
            => type == typeof(string) || type == typeof(HandlerModel) || type == typeof(ConstructorParameterModel) || type == typeof(RegistrationModel);
    }

    private static GeneratorRunResult RunTwice(CSharpCompilation first, CSharpCompilation second)
    {
        GeneratorDriver driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(first);
        driver = driver.RunGenerators(second);
        GeneratorRunResult result = Assert.Single(driver.GetRunResult().Results);
        Assert.Null(result.Exception);
        return result;
    }

    private static void AssertNothingReran(GeneratorRunResult result)
    {
        foreach (string name in s_trackingNames)
        {
            Assert.True(result.TrackedSteps.TryGetValue(name, out ImmutableArray<IncrementalGeneratorRunStep> steps), $"No step is tracked as '{name}'.");
            IEnumerable<string> reran = steps
                .SelectMany(step => step.Outputs)
                .Where(output => output.Reason is not (IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged))
                .Select(output => $"{name}: {output.Reason} {output.Value}");
            Assert.Empty(reran);
        }

        Assert.All(
            result.TrackedOutputSteps.SelectMany(step => step.Value).SelectMany(step => step.Outputs),
            output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
    }

    private static CSharpCompilation ReplaceInHandlers(CSharpCompilation compilation, string oldText, string newText)
    {
        SyntaxTree tree = compilation.SyntaxTrees.Single(t => t.FilePath == "Handlers.cs");
        string text = tree.GetText().ToString();
        Assert.Contains(oldText, text, StringComparison.Ordinal);
        return compilation.ReplaceSyntaxTree(tree, GeneratorHarness.Parse(text.Replace(oldText, newText, StringComparison.Ordinal), "Handlers.cs"));
    }
}
