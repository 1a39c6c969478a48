using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace HttpUpgrade.Analyzers.Tests.Infrastructure;

/// <summary>
/// What test sources compile against: the reference packs of the running .NET (the runtime is built for net10.0, so
/// the references must be .NET 10's), and the HttpUpgrade assemblies themselves.
/// </summary>
/// <remarks>
/// <c>ReferenceAssemblies.Net.Net90</c>/<c>Net100</c> name the packs' first releases, 9.0.0 and 10.0.1; the packs of the
/// installed SDK are read from disk instead, which needs no download and matches the runtime under test.
/// </remarks>
internal static class TestReferences
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> s_net = new(() => FromPack("Microsoft.NETCore.App.Ref"));
    private static readonly Lazy<ImmutableArray<MetadataReference>> s_aspNetCore = new(() => FromPack("Microsoft.AspNetCore.App.Ref"));

    /// <summary>No package to resolve: every reference is added explicitly.</summary>
    public static ReferenceAssemblies None { get; } = new("net" + Environment.Version.ToString(2));

    /// <summary>The .NET reference assemblies.</summary>
    public static ImmutableArray<MetadataReference> Net => s_net.Value;

    /// <summary>The ASP.NET Core reference assemblies (Kestrel, routing, hosting), to add to <see cref="Net"/>.</summary>
    public static ImmutableArray<MetadataReference> AspNetCore => s_aspNetCore.Value;

    /// <summary>The HttpUpgrade runtime assembly this test project builds against.</summary>
    public static MetadataReference HttpUpgrade { get; } =
        MetadataReference.CreateFromFile(typeof(global::HttpUpgrade.UpgradeProtocolAttribute).Assembly.Location);

    /// <summary>The Kestrel adapter (<c>MapUpgrade</c>), to add with <see cref="AspNetCore"/>.</summary>
    public static MetadataReference HttpUpgradeAspNetCore { get; } =
        MetadataReference.CreateFromFile(typeof(global::Microsoft.AspNetCore.Builder.UpgradeEndpointRouteBuilderExtensions).Assembly.Location);

    /// <summary>The root of the running .NET installation, which holds <c>dotnet</c>, <c>shared/</c> and <c>packs/</c>.</summary>
    public static string DotNetRoot { get; } =
        Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));

    private static ImmutableArray<MetadataReference> FromPack(string pack)
    {
        string packRoot = Path.Combine(DotNetRoot, "packs", pack);
        Version running = Environment.Version;
        string version = Directory.Exists(Path.Combine(packRoot, running.ToString()))
            ? running.ToString()
            : Directory.GetDirectories(packRoot)
                .Select(Path.GetFileName)
                .Where(name => Version.TryParse(name, out Version? v) && v.Major == running.Major)
                .OrderByDescending(name => Version.Parse(name!))
                .FirstOrDefault()
                ?? throw new InvalidOperationException($"No {pack} {running.Major}.x under {packRoot}.");

        string directory = Path.Combine(packRoot, version, "ref", "net" + running.ToString(2));
        return Directory.GetFiles(directory, "*.dll")
            .OrderBy(path => path, StringComparer.Ordinal)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    }
}
