using System.Threading.Tasks;
using HttpUpgrade.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using V = HttpUpgrade.Analyzers.Tests.Infrastructure.Verify<HttpUpgrade.Analyzers.UpgradeEndpointProtocolsAnalyzer>;

namespace HttpUpgrade.Analyzers.Tests;

/// <summary>UPG013: MapUpgrade where every Kestrel endpoint excludes HTTP/1.1, which alone carries Upgrade (RFC 9113 §8.2.2).</summary>
public sealed class UpgradeEndpointProtocolsTests
{
    [Fact]
    public Task Rfc9113Section8_2_2_MapUpgradeOnHttp2OnlyKestrel_ReportsUPG013() => KestrelAsync(
        """
        builder.WebHost.ConfigureKestrel(options =>
        {
            options.ListenLocalhost(5000, listen => listen.Protocols = {|#1:HttpProtocols.Http2|});
        });
        var app = builder.Build();
        {|#0:app.MapUpgrade("/chat")|};
        """,
        V.Diagnostic("UPG013").WithLocation(0).WithLocation(1).WithArguments("2"));

    [Fact]
    public Task MapUpgradeWithHttp2EndpointDefaults_ReportsUPG013() => KestrelAsync(
        """
        builder.WebHost.ConfigureKestrel(options =>
            options.ConfigureEndpointDefaults(listen => listen.Protocols = {|#1:HttpProtocols.Http3|}));
        var app = builder.Build();
        {|#0:app.MapUpgrade("/chat")|};
        """,
        V.Diagnostic("UPG013").WithLocation(0).WithLocation(1).WithArguments("3"));

    [Fact]
    public Task MapUpgradeOnHttp2AndHttp3Endpoints_ReportsBothVersions() => KestrelAsync(
        """
        builder.WebHost.ConfigureKestrel(options =>
        {
            options.ListenLocalhost(5000, listen => listen.Protocols = {|#1:HttpProtocols.Http2|});
            options.ListenLocalhost(5001, listen => { listen.Protocols = {|#2:HttpProtocols.Http3|}; });
        });
        var app = builder.Build();
        {|#0:app.MapUpgrade("/chat")|};
        """,
        V.Diagnostic("UPG013").WithLocation(0).WithLocation(1).WithLocation(2).WithArguments("2 and HTTP/3"));

    [Theory]
    [InlineData("options.ListenLocalhost(5000, listen => listen.Protocols = HttpProtocols.Http1AndHttp2);")]
    [InlineData("options.ListenLocalhost(5000, listen => listen.Protocols = HttpProtocols.Http1AndHttp2AndHttp3);")]
    [InlineData("options.ListenLocalhost(5000, listen => listen.Protocols = HttpProtocols.Http2); options.ListenLocalhost(5001);")]
    [InlineData("options.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http2); options.ListenLocalhost(5001, listen => listen.Protocols = HttpProtocols.Http1);")]
    [InlineData("options.ListenLocalhost(5000, listen => listen.Protocols = Configured());")]
    [InlineData("options.ListenLocalhost(5000, Configure);")]
    public Task MapUpgradeWithAnHttp11Endpoint_OrUnknownConfiguration_ReportsNothing(string kestrel) => KestrelAsync(
        $$"""
        builder.WebHost.ConfigureKestrel(options =>
        {
            {{kestrel}}
        });
        var app = builder.Build();
        app.MapUpgrade("/chat");

        static HttpProtocols Configured() => HttpProtocols.Http2;
        static void Configure(ListenOptions listen) => listen.Protocols = HttpProtocols.Http2;
        """);

    [Fact]
    public Task Http2OnlyKestrel_WithoutMapUpgrade_ReportsNothing() => KestrelAsync(
        """
        builder.WebHost.ConfigureKestrel(options => options.ListenLocalhost(5000, listen => listen.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        app.MapGet("/", () => "hello");
        """);

    private static Task KestrelAsync(string program, params DiagnosticResult[] expected)
    {
        var test = V.CreateAnalyzerTest("""
            using Microsoft.AspNetCore.Builder;
            using Microsoft.AspNetCore.Hosting;
            using Microsoft.AspNetCore.Server.Kestrel.Core;

            var builder = WebApplication.CreateSlimBuilder(args);

            """ + program);
        test.TestState.OutputKind = OutputKind.ConsoleApplication;
        test.TestState.AdditionalReferences.AddRange(TestReferences.AspNetCore);
        test.TestState.AdditionalReferences.Add(TestReferences.HttpUpgradeAspNetCore);
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }
}
