using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.Tasks;
using System.Xml.Linq;
using HttpUpgrade.Packaging.Tests.Infrastructure;
using HttpUpgrade.Testing;
using Xunit;

namespace HttpUpgrade.Packaging.Tests;

/// <summary>
/// What a release needs from the packages (docs/releasing.md): each assembly's PDB embedded, with Source Link to the
/// commit and every source reachable; the same commit packed twice gives the same bytes; package validation runs on
/// pack; and an undocumented or undeclared public member fails the build.
/// </summary>
public sealed partial class PackageTests
{
    // The repository's default URL (HttpUpgradeRepositoryUrl): the packed copy has no remote, like a clone from a local path.
    private const string RepositoryUrl = "https://github.com/httpupgrade/httpupgrade";

    // Portable PDB custom debug information kinds (System.Reflection.Metadata's PortablePdb-Metadata.md).
    private static readonly Guid s_sourceLinkKind = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");
    private static readonly Guid s_embeddedSourceKind = new("0E8A571B-6926-466E-B4AD-8AB04611F5FE");
    private static readonly Guid s_sha256 = new("8829d00f-11b8-4213-878b-770e8597ac16");

    [Fact]
    public async Task EveryAssemblyEmbedsItsPdbWithSourceLinkToTheCommitAndEverySourceReachable()
    {
        var tracked = new HashSet<string>(await Git.TrackedFilesAsync(feed.Repository), StringComparer.Ordinal);
        string contentUrl = $"https://raw.githubusercontent.com/httpupgrade/httpupgrade/{feed.Commit}/*";
        int assemblies = 0;
        foreach (string nupkg in new[] { feed.HttpUpgradePackage, feed.AspNetCorePackage })
        {
            using ZipArchive package = ZipFile.OpenRead(nupkg);
            foreach (ZipArchiveEntry entry in package.Entries.Where(e => e.FullName.EndsWith(".dll", StringComparison.Ordinal)))
            {
                assemblies++;
                using var pe = new PEReader(new MemoryStream(Read(entry)));
                System.Collections.Immutable.ImmutableArray<DebugDirectoryEntry> debug = pe.ReadDebugDirectory();

                // Deterministic (/deterministic): the PE says so, and its PDB id is a hash of the content.
                Assert.Contains(debug, d => d.Type == DebugDirectoryEntryType.Reproducible);
                DebugDirectoryEntry embedded = Assert.Single(debug, d => d.Type == DebugDirectoryEntryType.EmbeddedPortablePdb);
                using MetadataReaderProvider pdbProvider = pe.ReadEmbeddedPortablePdbDebugDirectoryData(embedded);
                MetadataReader pdb = pdbProvider.GetMetadataReader();

                // One map: the repository root, as ContinuousIntegrationBuild writes it (/_/), to the commit on GitHub.
                using JsonDocument sourceLink = JsonDocument.Parse(CustomDebugInformation(pdb, EntityHandle.ModuleDefinition, s_sourceLinkKind)
                    ?? throw new Xunit.Sdk.XunitException($"{entry.FullName} has no Source Link."));
                JsonProperty map = Assert.Single(sourceLink.RootElement.GetProperty("documents").EnumerateObject());
                Assert.Equal("/_/*", map.Name);
                Assert.Equal(contentUrl, map.Value.GetString());

                // Every document is either in the commit, byte for byte, so the URL serves it, or embedded in the PDB.
                var mapped = new List<string>();
                foreach (DocumentHandle handle in pdb.Documents)
                {
                    Document document = pdb.GetDocument(handle);
                    string name = pdb.GetString(document.Name);
                    Assert.StartsWith("/_/", name, StringComparison.Ordinal);
                    if (CustomDebugInformation(pdb, handle, s_embeddedSourceKind) is not null)
                    {
                        continue;
                    }

                    string relative = name["/_/".Length..];
                    Assert.True(tracked.Contains(relative), $"{entry.FullName}: {name} is neither in the commit nor embedded.");
                    Assert.Equal(s_sha256, pdb.GetGuid(document.HashAlgorithm));
                    Assert.Equal(SHA256.HashData(File.ReadAllBytes(Path.Combine(feed.Repository, relative))), pdb.GetBlobBytes(document.Hash));
                    mapped.Add(relative);
                }

                Assert.NotEmpty(mapped);
            }
        }

        Assert.Equal(5, assemblies);
    }

    [Fact]
    public void TheNuspecsNameTheRepositoryAndTheCommit()
    {
        foreach (string nupkg in new[] { feed.HttpUpgradePackage, feed.AspNetCorePackage })
        {
            using ZipArchive package = ZipFile.OpenRead(nupkg);
            XElement repository = Assert.Single(Metadata(package).Elements(), e => e.Name.LocalName == "repository");
            Assert.Equal("git", (string?)repository.Attribute("type"));
            Assert.Equal(RepositoryUrl, (string?)repository.Attribute("url"));
            Assert.Equal(feed.Commit, (string?)repository.Attribute("commit"));
            Assert.Equal(RepositoryUrl, Value(Metadata(package), "projectUrl"));
        }
    }

    [Fact]
    public void PackageValidationRanOnBothPacks()
    {
        // RunPackageValidation touches this file after validating, and runs only with EnablePackageValidation on.
        foreach (string project in new[] { "HttpUpgrade", "HttpUpgrade.AspNetCore" })
        {
            string semaphore = Path.Combine(feed.Repository, "src", project, "obj", "Release", "net10.0", "Microsoft.NET.ApiCompat.ValidatePackage.semaphore");
            Assert.True(File.Exists(semaphore), $"Package validation did not run on {project}: no {semaphore}.");
        }
    }

    [Fact]
    public async Task TheSameCommitPackedInAnotherFolderGivesIdenticalAssembliesAndValidatesAgainstTheFirstPack()
    {
        using var workspace = new Workspace("repack");
        string repository = workspace.CopyRepository("elsewhere");
        Assert.Equal(feed.Commit, await Git.CommitEverythingAsync(repository));

        // The first pack stands in for the last release: what PackageValidationBaselineVersion does after one.
        string output = Path.Combine(workspace.Root, "feed");
        TimeSpan duration = await PackedFeed.PackAsync(repository, output, feed.Version, project => new[]
        {
            $"-p:PackageValidationBaselinePath={Path.Combine(feed.Directory, $"{project}.{feed.Version}.nupkg")}",
        });
        log.WriteLine($"second dotnet pack (both packages): {duration.TotalSeconds:F0} s");

        foreach (string id in new[] { "HttpUpgrade", "HttpUpgrade.AspNetCore" })
        {
            using ZipArchive first = ZipFile.OpenRead(Path.Combine(feed.Directory, $"{id}.{feed.Version}.nupkg"));
            using ZipArchive second = ZipFile.OpenRead(Path.Combine(output, $"{id}.{feed.Version}.nupkg"));
            string[] dlls = first.Entries.Select(e => e.FullName).Where(n => n.EndsWith(".dll", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
            Assert.NotEmpty(dlls);
            Assert.Equal(dlls, second.Entries.Select(e => e.FullName).Where(n => n.EndsWith(".dll", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
            foreach (string dll in dlls)
            {
                Assert.True(
                    Read(first.GetEntry(dll)!).AsSpan().SequenceEqual(Read(second.GetEntry(dll)!)),
                    $"{id}/{dll} differs between {feed.Repository} and {repository}.");
            }
        }
    }

    [Fact]
    public async Task APublicMemberWithoutDocsOrNotInPublicApiFailsTheBuildEvenWithoutTreatWarningsAsErrors()
    {
        using var workspace = new Workspace("undeclared");
        string repository = workspace.CopyRepository("repo");
        File.WriteAllText(Path.Combine(repository, "src", "HttpUpgrade", "UndeclaredApi.cs"), """
            namespace HttpUpgrade;

            public static class UndeclaredApi
            {
                public static int Answer => 42;
            }
            """);

        ProcessResult build = await Dotnet.RunAsync(
            repository,
            new[]
            {
                "build", "src/HttpUpgrade/HttpUpgrade.csproj", "-c", "Release", "--disable-build-servers", "-nologo",
                "-p:UseSharedCompilation=false", "-p:TreatWarningsAsErrors=false", "-p:BuildProjectReferences=false",
            },
            s_buildTimeout);
        log.WriteLine($"build with an undeclared member: {build.Duration.TotalSeconds:F0} s");

        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("UndeclaredApi.cs(3,21): error CS1591", build.Output, StringComparison.Ordinal);
        Assert.Contains("UndeclaredApi.cs(5,23): error CS1591", build.Output, StringComparison.Ordinal);
        Assert.Contains("error RS0016: Symbol 'HttpUpgrade.UndeclaredApi' is not part of the declared public API", build.Output, StringComparison.Ordinal);
        Assert.Contains("error RS0016: Symbol 'static HttpUpgrade.UndeclaredApi.Answer.get -> int' is not part of the declared public API", build.Output, StringComparison.Ordinal);

        // A copy without .git builds without Source Link and without a warning about it.
        Assert.DoesNotContain("Unable to locate repository", build.Output, StringComparison.Ordinal);
    }

    private static byte[] Read(ZipArchiveEntry entry)
    {
        using Stream stream = entry.Open();
        var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static byte[]? CustomDebugInformation(MetadataReader pdb, EntityHandle parent, Guid kind)
    {
        foreach (CustomDebugInformationHandle handle in pdb.GetCustomDebugInformation(parent))
        {
            CustomDebugInformation information = pdb.GetCustomDebugInformation(handle);
            if (pdb.GetGuid(information.Kind) == kind)
            {
                return pdb.GetBlobBytes(information.Value);
            }
        }

        return null;
    }
}
