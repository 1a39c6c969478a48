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
    public void EditingAHandlersMethodBodyReEmitsNothing()
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(TestSources.Trees());
        CSharpCompilation edited = ReplaceInHandlers(
            compilation,
            "=> context.Transport.CopyToAsync(context.Transport, aborted);",
            "=> context.Transport.CopyToAsync(context.Transport, 4096, aborted);");

        GeneratorRunResult result = RunTwice(compilation, edited);

        // The edited class is read again and yields an equal model; nothing after that step runs.
        Assert.Contains(Outputs(result, TrackingNames.Handlers), output => output.Reason == IncrementalStepRunReason.Unchanged);
        AssertOnly(result, TrackingNames.Handlers, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertOutputs(result, registry: IncrementalStepRunReason.Cached, serviceCollectionExtensions: IncrementalStepRunReason.Cached);
    }

    [Fact]
    public void ReorderingHandlerDeclarationsReEmitsNothing()
    {
        SyntaxTree[] trees = TestSources.Trees().ToArray();
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(trees);
        CSharpCompilation reordered = GeneratorHarness.CreateCompilation(trees.Reverse());

        GeneratorRunResult result = RunTwice(compilation, reordered);

        // The handlers arrive in another order, which the registry's rows do not keep.
        Assert.Contains(Outputs(result, TrackingNames.AllHandlers), output => output.Reason == IncrementalStepRunReason.Modified);
        Assert.All(Outputs(result, TrackingNames.RegistryEntries), output => Assert.Equal(IncrementalStepRunReason.Unchanged, output.Reason));
        AssertOutputs(result, registry: IncrementalStepRunReason.Cached, serviceCollectionExtensions: IncrementalStepRunReason.Cached);
    }

    [Fact]
    public void ChangingATokenReEmitsOnlyTheRegistry()
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(TestSources.Trees());
        CSharpCompilation edited = ReplaceInHandlers(compilation, "[UpgradeProtocol(\"echo\", Versions = \"1\")]", "[UpgradeProtocol(\"echo\", Versions = \"2\")]");

        string before = GeneratorHarness.Run(compilation).Text("UpgradeHandlerRegistry.g.cs");
        GeneratorRunResult result = RunTwice(compilation, edited);

        // Every handler is read again, and only EchoHandler's model differs.
        (object Value, IncrementalStepRunReason Reason)[] handlers = Outputs(result, TrackingNames.Handlers).ToArray();
        Assert.Equal(
            "global::Sample.EchoHandler",
            Assert.Single(handlers, output => output.Reason == IncrementalStepRunReason.Modified).Value is HandlerModel echo ? echo.TypeName : null);
        Assert.All(handlers.Where(output => output.Reason != IncrementalStepRunReason.Modified), output => Assert.Equal(IncrementalStepRunReason.Unchanged, output.Reason));
        Assert.All(Outputs(result, TrackingNames.RegistryEntries), output => Assert.Equal(IncrementalStepRunReason.Modified, output.Reason));
        Assert.All(Outputs(result, TrackingNames.Assembly), output => Assert.Equal(IncrementalStepRunReason.Unchanged, output.Reason));
        Assert.All(Outputs(result, TrackingNames.HasHandlers), output => Assert.Equal(IncrementalStepRunReason.Unchanged, output.Reason));
        Assert.All(Outputs(result, TrackingNames.ServiceCollectionExtensionsInput), output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
        AssertOutputs(result, registry: IncrementalStepRunReason.Modified, serviceCollectionExtensions: IncrementalStepRunReason.Cached);

        string after = Assert.Single(result.GeneratedSources, source => source.HintName == "UpgradeHandlerRegistry.g.cs").SourceText.ToString();
        Assert.NotEqual(before, after);
        Assert.Contains("\"echo\",\n                new string[] { \"2\" },", after, StringComparison.Ordinal);
    }

    [Fact]
    public void EditingAboveADuplicateRerunsNothing()
    {
        // Which of a class's repeated registrations is skipped follows source order, yet no model holds a position: an
        // edit that moves every declaration of the file leaves every step cached.
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(TestSources.Trees().Append(GeneratorHarness.Parse(DuplicateEcho, "Duplicate.cs")));
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.Single(t => t.FilePath == "Duplicate.cs"),
            GeneratorHarness.Parse(DuplicateEcho.Replace("namespace Sample", "// A comment that moves everything below it.\nnamespace Sample", StringComparison.Ordinal), "Duplicate.cs"));

        GeneratorRunResult result = RunTwice(compilation, edited);

        AssertNothingReran(result);
        string registry = Assert.Single(result.GeneratedSources, source => source.HintName == "UpgradeHandlerRegistry.g.cs").SourceText.ToString();
        Assert.Contains("echo/1 -> Sample.SecondEchoHandler\n", registry, StringComparison.Ordinal);
        Assert.DoesNotContain("ECHO/1 -> Sample.SecondEchoHandler\n", registry, StringComparison.Ordinal);
    }

    [Fact]
    public void MakingADuplicateReEmitsTheRegistryWithoutIt()
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(TestSources.Trees().Append(GeneratorHarness.Parse(DuplicateEcho.Replace("\"ECHO\"", "\"echo2\"", StringComparison.Ordinal), "Duplicate.cs")));
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.Single(t => t.FilePath == "Duplicate.cs"),
            GeneratorHarness.Parse(DuplicateEcho, "Duplicate.cs"));

        GeneratorRunResult result = RunTwice(compilation, edited);

        // Only the edited handler's model changes: its second registration now repeats its first and is dropped. Another
        // class claiming echo/1 too (EchoHandler) is no duplicate and stays.
        (object Value, IncrementalStepRunReason Reason)[] handlers = Outputs(result, TrackingNames.Handlers).ToArray();
        Assert.Equal(
            "global::Sample.SecondEchoHandler",
            Assert.Single(handlers, output => output.Reason == IncrementalStepRunReason.Modified).Value is HandlerModel second ? second.TypeName : null);
        AssertOutputs(result, registry: IncrementalStepRunReason.Modified, serviceCollectionExtensions: IncrementalStepRunReason.Cached);

        string registry = Assert.Single(result.GeneratedSources, source => source.HintName == "UpgradeHandlerRegistry.g.cs").SourceText.ToString();
        Assert.Contains("echo/1 -> Sample.SecondEchoHandler\n", registry, StringComparison.Ordinal);
        Assert.Contains("echo/1 -> Sample.EchoHandler\n", registry, StringComparison.Ordinal);
        Assert.DoesNotContain("echo2", registry, StringComparison.Ordinal);
    }

    [Fact]
    public void RenamingTheAssemblyReEmitsBothFiles()
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(TestSources.Trees());

        GeneratorRunResult result = RunTwice(compilation, compilation.WithAssemblyName("Contoso.Chat"));

        AssertOnly(result, TrackingNames.Handlers, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertOnly(result, TrackingNames.RegistryEntries, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertOutputs(result, registry: IncrementalStepRunReason.Modified, serviceCollectionExtensions: IncrementalStepRunReason.Modified);
        Assert.Contains(
            "public static global::Microsoft.Extensions.DependencyInjection.IServiceCollection AddContosoChatUpgradeHandlers(",
            Assert.Single(result.GeneratedSources, source => source.HintName == "UpgradeHandlersServiceCollectionExtensions.g.cs").SourceText.ToString(),
            StringComparison.Ordinal);
    }

    [Fact]
    public void ModelsHoldOnlyEquatableValues()
    {
        Type[] models =
        {
            typeof(AssemblyModel), typeof(HandlerModel), typeof(ConstructorParameterModel), typeof(RegistrationModel), typeof(RegistryEntryModel),
        };

        foreach (Type model in models)
        {
            Assert.True(model.IsSealed, $"{model.Name} is not sealed");
            Assert.True(model.GetInterfaces().Contains(typeof(IEquatable<>).MakeGenericType(model)), $"{model.Name} is not equatable");
            foreach (PropertyInfo property in model.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.Name != "EqualityContract"))
            {
                Assert.True(IsAllowed(property.PropertyType), $"{model.Name}.{property.Name} is a {property.PropertyType}");
            }
        }

        static bool IsAllowed(Type type)
            => type == typeof(string) || type == typeof(bool) || type.IsEnum || IsModel(type)
                || (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(EquatableArray<>) && IsAllowedElement(type.GetGenericArguments()[0]));

        static bool IsAllowedElement(Type type) => type == typeof(string) || IsModel(type);

        static bool IsModel(Type type)
            => type == typeof(HandlerModel) || type == typeof(ConstructorParameterModel) || type == typeof(RegistrationModel) || type == typeof(RegistryEntryModel);
    }

    // Registers echo/1 like TestSources' EchoHandler, and then again (UPG003).
    private const string DuplicateEcho = """
        using System.Threading;
        using System.Threading.Tasks;
        using HttpUpgrade;

        namespace Sample
        {
            [UpgradeProtocol("echo", Versions = "1")]
            [UpgradeProtocol("ECHO", Versions = "1")]
            public sealed class SecondEchoHandler : IUpgradeHandler
            {
                public Task HandleAsync(UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;
            }
        }
        """;

    private static IEnumerable<(object Value, IncrementalStepRunReason Reason)> Outputs(GeneratorRunResult result, string name)
    {
        Assert.True(result.TrackedSteps.TryGetValue(name, out ImmutableArray<IncrementalGeneratorRunStep> steps), $"No step is tracked as '{name}'.");
        return steps.SelectMany(step => step.Outputs);
    }

    private static void AssertOnly(GeneratorRunResult result, string name, params IncrementalStepRunReason[] allowed)
    {
        string[] others = Outputs(result, name)
            .Where(output => !allowed.Contains(output.Reason))
            .Select(output => $"{name}: {output.Reason} {output.Value}")
            .ToArray();
        Assert.Empty(others);
    }

    // Each source output step reads one input; which one tells the registry's output from the dependency injection file's.
    private static void AssertOutputs(GeneratorRunResult result, IncrementalStepRunReason registry, IncrementalStepRunReason serviceCollectionExtensions)
    {
        IncrementalGeneratorRunStep[] steps = result.TrackedOutputSteps.SelectMany(step => step.Value).ToArray();
        Assert.Equal(registry, Assert.Single(OutputsOf(TrackingNames.RegistryInput)));
        Assert.Equal(serviceCollectionExtensions, Assert.Single(OutputsOf(TrackingNames.ServiceCollectionExtensionsInput)));

        IncrementalStepRunReason[] OutputsOf(string input)
            => steps
                .Where(step => step.Inputs.Any(i => i.Source.Name == input))
                .SelectMany(step => step.Outputs)
                .Select(output => output.Reason)
                .Distinct()
                .ToArray();
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
