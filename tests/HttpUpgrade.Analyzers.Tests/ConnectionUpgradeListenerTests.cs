using System.Threading.Tasks;
using HttpUpgrade.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using V = HttpUpgrade.Analyzers.Tests.Infrastructure.Verify<HttpUpgrade.Analyzers.ConnectionUpgradeListenerAnalyzer>;

namespace HttpUpgrade.Analyzers.Tests;

/// <summary>UPG014: TLS or h2c upgrades on a listener that already speaks TLS.</summary>
public sealed class ConnectionUpgradeListenerTests
{
    [Fact]
    public Task Rfc7540Section3_3_H2cUpgradeOnAnHttpsListener_ReportsUPG014() => KestrelAsync(
        """
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenLocalhost(5001, listen =>
        {
            {|#1:listen.UseHttps()|};
            {|#0:listen.UseH2cUpgrade()|};
        }));
        """,
        V.Diagnostic("UPG014").WithLocation(0).WithLocation(1).WithArguments("UseH2cUpgrade", "h2c is HTTP/2 in clear, and over TLS HTTP/2 is chosen with ALPN (RFC 7540 §3.3)"));

    [Fact]
    public Task Rfc2817_TlsUpgradeChainedWithUseHttps_ReportsUPG014() => KestrelAsync(
        """
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenLocalhost(5001, listen => {|#1:{|#0:listen.UseTlsUpgrade(certificate)|}.UseHttps()|}));
        """,
        V.Diagnostic("UPG014").WithLocation(0).WithLocation(1).WithArguments("UseTlsUpgrade", "the connection already uses TLS (RFC 2817)"));

    [Fact]
    public Task UpgradesOnACleartextListenerBesideAnHttpsOne_ReportNothing() => KestrelAsync(
        """
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ListenLocalhost(5000, listen =>
            {
                listen.UseTlsUpgrade(certificate);
                listen.UseH2cUpgrade();
            });
            kestrel.ListenLocalhost(5001, listen => listen.UseHttps());
        });
        """);

    private static Task KestrelAsync(string program, params DiagnosticResult[] expected)
    {
        var test = V.CreateAnalyzerTest("""
            using Microsoft.AspNetCore.Builder;
            using Microsoft.AspNetCore.Hosting;
            using Microsoft.AspNetCore.Server.Kestrel.Core;
            using System.Security.Cryptography.X509Certificates;

            var builder = WebApplication.CreateSlimBuilder(args);
            X509Certificate2 certificate = null!;

            """ + program);
        test.TestState.OutputKind = OutputKind.ConsoleApplication;
        test.TestState.AdditionalReferences.AddRange(TestReferences.AspNetCore);
        test.TestState.AdditionalReferences.Add(TestReferences.HttpUpgradeAspNetCore);
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }
}
