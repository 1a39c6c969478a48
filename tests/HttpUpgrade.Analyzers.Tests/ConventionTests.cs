using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using HttpUpgrade.Analyzers.CodeFixes;
using HttpUpgrade.Analyzers.Tests.Infrastructure;
using HttpUpgrade.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace HttpUpgrade.Analyzers.Tests;

/// <summary>The analyzer conventions of CONVENTIONS.md, checked on the shipped assemblies, descriptors and docs.</summary>
public sealed class ConventionTests
{
    private const string HelpLinkBase = "https://github.com/httpupgrade/httpupgrade/blob/main/docs/diagnostics/";

    public static TheoryData<string> DescriptorIds()
    {
        var data = new TheoryData<string>();
        foreach (DiagnosticDescriptor descriptor in Descriptors())
        {
            data.Add(descriptor.Id);
        }

        return data;
    }

    public static TheoryData<string> AnalyzerNames()
    {
        var data = new TheoryData<string>();
        foreach (DiagnosticAnalyzer analyzer in Analyzers())
        {
            data.Add(analyzer.GetType().Name);
        }

        return data;
    }

    [Fact]
    public void Ids_AreFixedAndUnique_UPG001ToUPG014()
    {
        string[] ids = Descriptors().Select(d => d.Id).OrderBy(id => id, StringComparer.Ordinal).ToArray();
        Assert.Equal(Enumerable.Range(1, 14).Select(i => $"UPG{i:000}"), ids);
    }

    [Theory]
    [MemberData(nameof(DescriptorIds))]
    public void Descriptor_FollowsTheMessageConventions(string id)
    {
        DiagnosticDescriptor descriptor = Descriptor(id);
        string title = descriptor.Title.ToString();
        string message = descriptor.MessageFormat.ToString();

        Assert.False(string.IsNullOrWhiteSpace(title));
        Assert.False(title.EndsWith('.'), $"{id} title ends with a period");
        Assert.False(message.EndsWith('.'), $"{id} message ends with a period");
        Assert.Contains(':', message);
        Assert.EndsWith(".", descriptor.Description.ToString(), StringComparison.Ordinal);
        Assert.Equal("HttpUpgrade", descriptor.Category);
        Assert.True(descriptor.IsEnabledByDefault);
    }

    [Theory]
    [MemberData(nameof(DescriptorIds))]
    public void Descriptor_HelpLink_PointsToItsDocsPage(string id)
    {
        DiagnosticDescriptor descriptor = Descriptor(id);
        Assert.Equal(HelpLinkBase + id + ".md", descriptor.HelpLinkUri);

        string page = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "diagnostics", id + ".md"));
        Assert.StartsWith($"# {id}: {descriptor.Title}\n", page, StringComparison.Ordinal);
        Assert.Contains($"| Severity | {descriptor.DefaultSeverity} |", page, StringComparison.Ordinal);
        foreach (string section in new[] { "## What", "## Why", "## How to fix", "## Example" })
        {
            Assert.Contains("\n" + section + "\n", page, StringComparison.Ordinal);
        }

        Assert.Matches(new Regex(@"RFC \d{4}"), page);
        Assert.Contains("Before:", page, StringComparison.Ordinal);
        Assert.Contains("After", page, StringComparison.Ordinal);

        string index = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "diagnostics", "README.md"));
        Assert.Contains($"| [{id}]({id}.md) | {descriptor.DefaultSeverity} | {descriptor.Title} |", index, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(DescriptorIds))]
    public void Descriptor_IsListedInAnalyzerReleasesUnshipped(string id)
    {
        DiagnosticDescriptor descriptor = Descriptor(id);
        string[] rows = File.ReadAllLines(Path.Combine(RepositoryPaths.Root, "analyzers", "HttpUpgrade.Analyzers", "AnalyzerReleases.Unshipped.md"));
        string row = Assert.Single(rows, line => line.StartsWith(id + " ", StringComparison.Ordinal));
        string[] cells = row.Split('|').Select(cell => cell.Trim()).ToArray();
        Assert.Equal(descriptor.Category, cells[1]);
        Assert.Equal(descriptor.DefaultSeverity.ToString(), cells[2]);
        Assert.Contains(descriptor.HelpLinkUri, cells[3], StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(RepositoryPaths.Root, "analyzers", "HttpUpgrade.Analyzers", "AnalyzerReleases.Shipped.md")));
    }

    [Theory]
    [MemberData(nameof(DescriptorIds))]
    public void Descriptor_IsReportedByExactlyOneAnalyzer_OneRuleEach_AndOnlyUPG011AtCompilationEnd(string id)
    {
        // UPG001-UPG010 but UPG003 and UPG008 are checks of one [UpgradeProtocol] class, read once by one analyzer.
        DiagnosticAnalyzer owner = Assert.Single(Analyzers(), analyzer => analyzer.SupportedDiagnostics.Any(d => d.Id == id));
        Assert.True(owner is UpgradeProtocolAnalyzer || owner.SupportedDiagnostics.Length == 1, $"{owner.GetType().Name} reports {owner.SupportedDiagnostics.Length} rules");
        bool compilationEnd = Descriptor(id).CustomTags.Contains(WellKnownDiagnosticTags.CompilationEnd);
        Assert.Equal(id == "UPG011", compilationEnd);
        Assert.Equal(id == "UPG011", owner is EndpointCollisionAnalyzer);
    }

    [Fact]
    public void WellKnownTypes_EveryMetadataNameResolves()
    {
        // A misspelt name would make a rule silently find nothing.
        var compilation = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create(
            "References",
            references: TestReferences.Net.AddRange(TestReferences.AspNetCore).Add(TestReferences.HttpUpgrade).Add(TestReferences.HttpUpgradeAspNetCore));
        var types = WellKnownTypes.Create(compilation);
        string[] missing = Enum.GetValues<WellKnownType>().Where(type => types.Get(type) is null).Select(WellKnownTypes.MetadataName).ToArray();
        Assert.Empty(missing);
        Assert.Equal(Enum.GetValues<WellKnownType>().Length, Enum.GetValues<WellKnownType>().Select(WellKnownTypes.MetadataName).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(AnalyzerNames))]
    public void Analyzer_RunsConcurrently_SkipsGeneratedCode_AndResolvesSymbolsAtCompilationStart(string name)
    {
        DiagnosticAnalyzer analyzer = Analyzers().Single(a => a.GetType().Name == name);
        var context = new RecordingAnalysisContext();
        analyzer.Initialize(context);

        Assert.True(context.ConcurrentExecution);
        Assert.Equal(GeneratedCodeAnalysisFlags.None, context.GeneratedCodeAnalysis);
        Assert.Equal(["CompilationStart"], context.Registrations);
    }

    [Theory]
    [InlineData("HttpUpgrade.Analyzers")]
    [InlineData("HttpUpgrade.Analyzers.CodeFixes")]
    [InlineData("HttpUpgrade.Generators")]
    public void Assemblies_NeverCallGetTypeByMetadataName(string shipped)
    {
        // By name: the generator's types are internal, and this project sees only the analyzers' internals.
        using var stream = File.OpenRead(System.Reflection.Assembly.Load(shipped).Location);
        using var reader = new PEReader(stream);
        MetadataReader metadata = reader.GetMetadataReader();
        IEnumerable<string> called = metadata.MemberReferences.Select(handle => metadata.GetString(metadata.GetMemberReference(handle).Name));
        Assert.DoesNotContain("GetTypeByMetadataName", called);
    }

    [Fact]
    public void CodeFixes_LiveInTheirOwnAssembly_WhichAloneReferencesWorkspaces()
    {
        Assert.NotEqual(typeof(UpgradeProtocolAnalyzer).Assembly, typeof(ProtocolNameCodeFixProvider).Assembly);
        Assert.DoesNotContain(
            typeof(UpgradeProtocolAnalyzer).Assembly.GetReferencedAssemblies(),
            reference => reference.Name!.StartsWith("Microsoft.CodeAnalysis.Workspaces", StringComparison.Ordinal));
    }

    private static IEnumerable<DiagnosticDescriptor> Descriptors() =>
        typeof(DiagnosticDescriptors)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(field => (DiagnosticDescriptor)field.GetValue(null)!);

    private static DiagnosticDescriptor Descriptor(string id) => Descriptors().Single(d => d.Id == id);

    private static IEnumerable<DiagnosticAnalyzer> Analyzers() =>
        typeof(UpgradeProtocolAnalyzer).Assembly.GetTypes()
            .Where(type => type.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
            .Select(type => (DiagnosticAnalyzer)Activator.CreateInstance(type)!);

    private sealed class RecordingAnalysisContext : AnalysisContext
    {
        public bool ConcurrentExecution { get; private set; }

        public GeneratedCodeAnalysisFlags? GeneratedCodeAnalysis { get; private set; }

        public List<string> Registrations { get; } = new();

        public override void EnableConcurrentExecution() => ConcurrentExecution = true;

        public override void ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags analysisMode) => GeneratedCodeAnalysis = analysisMode;

        public override void RegisterCompilationStartAction(Action<CompilationStartAnalysisContext> action) => Registrations.Add("CompilationStart");

        public override void RegisterCompilationAction(Action<CompilationAnalysisContext> action) => Registrations.Add("Compilation");

        public override void RegisterSemanticModelAction(Action<SemanticModelAnalysisContext> action) => Registrations.Add("SemanticModel");

        public override void RegisterSymbolAction(Action<SymbolAnalysisContext> action, ImmutableArray<SymbolKind> symbolKinds) => Registrations.Add("Symbol");

        public override void RegisterCodeBlockStartAction<TLanguageKindEnum>(Action<CodeBlockStartAnalysisContext<TLanguageKindEnum>> action) => Registrations.Add("CodeBlockStart");

        public override void RegisterCodeBlockAction(Action<CodeBlockAnalysisContext> action) => Registrations.Add("CodeBlock");

        public override void RegisterSyntaxTreeAction(Action<SyntaxTreeAnalysisContext> action) => Registrations.Add("SyntaxTree");

        public override void RegisterSyntaxNodeAction<TLanguageKindEnum>(Action<SyntaxNodeAnalysisContext> action, ImmutableArray<TLanguageKindEnum> syntaxKinds) => Registrations.Add("SyntaxNode");
    }
}
