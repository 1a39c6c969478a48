using System.IO;
using HttpUpgrade.Testing;
using Xunit;

namespace HttpUpgrade.Deployment.Tests;

/// <summary>docs/deployment.md shows the configurations these tests run, as they are.</summary>
public sealed class DocumentationTests
{
    [Theory]
    [InlineData("nginx.conf")]
    [InlineData("haproxy.cfg")]
    [InlineData("yarp.json")]
    public void DeploymentPage_ShowsTheTestedConfiguration_Verbatim(string file)
    {
        string page = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "deployment.md")).ReplaceLineEndings("\n");
        string configuration = File.ReadAllText(Path.Combine(ProxyConfig.Directory, file)).ReplaceLineEndings("\n");

        Assert.True(page.Contains(configuration, System.StringComparison.Ordinal), $"docs/deployment.md does not show {file} as it is.");
    }
}
