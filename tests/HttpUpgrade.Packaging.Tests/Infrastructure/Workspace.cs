using System;
using System.IO;
using System.Linq;
using HttpUpgrade.Testing;

namespace HttpUpgrade.Packaging.Tests.Infrastructure;

/// <summary>
/// A directory of its own under the temp folder for one test's builds; deleted afterwards. Builds happen on a copy of
/// the repository's sources, so they never touch the obj/ and bin/ folders of the build that runs these tests.
/// </summary>
internal sealed class Workspace : IDisposable
{
    private static readonly string[] s_ignoredDirectories = { "bin", "obj", "node_modules", "TestResults", "BenchmarkDotNet.Artifacts", ".git", ".vs" };

    public Workspace(string purpose)
    {
        Root = Path.Combine(Path.GetTempPath(), $"httpupgrade-{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Root);

        // MSBuild looks upward for Directory.Build.* and Directory.Packages.props; these end the search here.
        File.WriteAllText(Path.Combine(Root, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(Root, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(Root, "Directory.Packages.props"), "<Project />\n");
    }

    public string Root { get; }

    /// <summary>Copies what building the packages, the template package and the sample needs from the repository into <paramref name="name"/>.</summary>
    public string CopyRepository(string name)
    {
        string source = RepositoryPaths.Root;
        string destination = Path.Combine(Root, name);
        Directory.CreateDirectory(destination);
        foreach (string file in new[] { ".gitignore", "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "global.json", "README.md" })
        {
            File.Copy(Path.Combine(source, file), Path.Combine(destination, file));
        }

        foreach (string directory in new[] { "src", "generators", "analyzers", "samples", "templates" })
        {
            CopyDirectory(Path.Combine(source, directory), Path.Combine(destination, directory));
        }

        return destination;
    }

    public string Write(string relativePath, string text)
    {
        string path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A process that just exited may still hold a file for a moment; the temp folder is cleaned eventually.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static void CopyDirectory(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (string file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
        }

        foreach (string directory in Directory.EnumerateDirectories(source).Where(d => !s_ignoredDirectories.Contains(Path.GetFileName(d))))
        {
            CopyDirectory(directory, Path.Combine(destination, Path.GetFileName(directory)));
        }
    }
}
