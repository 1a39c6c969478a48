using System.Threading.Tasks;
using Xunit;
using V = HttpUpgrade.Analyzers.Tests.Infrastructure.Verify<HttpUpgrade.Analyzers.UpgradeProtocolAnalyzer>;

namespace HttpUpgrade.Analyzers.Tests;

/// <summary>UPG001 (name is not a token), UPG006 (name means HTTP/2 or HTTP/3) and UPG007 (h2c).</summary>
public sealed class ProtocolNameTests
{
    private const string Handler = """
        public sealed class Handler : IUpgradeHandler
        {
            public Task HandleAsync(UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;
        }
        """;

    [Fact]
    public Task DesignExample_ReportsNothing() => V.AnalyzerAsync("""
        [UpgradeProtocol("websocket", Versions = "13", SubProtocols = "chat.v2, chat.v1")]
        public sealed class ChatHandler : IWebSocketHandler
        {
            public Task OnConnectedAsync(WebSocket socket, UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;
        }

        [UpgradeProtocol("echo", Versions = "1")]
        public sealed class EchoHandler : IUpgradeHandler
        {
            public Task HandleAsync(UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;
        }
        """);

    [Theory]
    [InlineData("websocket")]
    [InlineData("TLS")]
    [InlineData("x-custom.v1")]
    [InlineData("!#$%&'*+-.^_`|~09AZaz")]
    [InlineData("HTTP")]
    [InlineData("h2c-like")]
    public Task Rfc9110_TokenName_ReportsNothing(string name) =>
        V.AnalyzerAsync($"[UpgradeProtocol(\"{name}\")]\n" + Handler);

    [Theory]
    [InlineData("\"web socket\"", "web socket", "' ' (space) at position 3 is not allowed")]
    [InlineData("\"\"", "", "a token must not be empty")]
    [InlineData("null", "", "a token must not be empty")]
    [InlineData("\"chat,v2\"", "chat,v2", "',' at position 4 is not allowed")]
    [InlineData("\"a;b\"", "a;b", "';' at position 1 is not allowed")]
    [InlineData("\"\\\"quoted\\\"\"", "\"quoted\"", "'\"' at position 0 is not allowed")]
    [InlineData("\"tab\\tname\"", "tab\tname", "'\\t' (tab) at position 3 is not allowed")]
    [InlineData("\"échange\"", "échange", "'é' (U+00E9, not ASCII) at position 0 is not allowed")]
    [InlineData("\"a\\u0001\"", "a\u0001", "U+0001 at position 1 is not allowed")]
    [InlineData("\"(x)\"", "(x)", "'(' at position 0 is not allowed")]
    [InlineData("\"a/b/c\"", "a/b/c", "'/' at position 1 is not allowed")]
    public Task Rfc9110_NameThatIsNotAToken_ReportsUPG001(string literal, string name, string problem) => V.AnalyzerAsync(
        $"[UpgradeProtocol({{|#0:{literal}|}})]\n" + Handler,
        V.Diagnostic("UPG001").WithLocation(0).WithArguments(name, problem));

    [Fact]
    public Task SurroundingWhitespace_ReportsUPG001_AndSaysToTrim() => V.AnalyzerAsync(
        "[UpgradeProtocol({|#0:\" echo\\t\"|})]\n" + Handler,
        V.Diagnostic("UPG001").WithLocation(0).WithArguments(" echo\t", "' ' (space) at position 0 is not allowed; remove the whitespace around the name"));

    [Fact]
    public Task VersionWrittenInTheName_ReportsUPG001_AndSaysToUseVersions() => V.AnalyzerAsync(
        "[UpgradeProtocol({|#0:\"TLS/1.2\"|})]\n" + Handler,
        V.Diagnostic("UPG001").WithLocation(0).WithArguments(
            "TLS/1.2", "'/' at position 3 is not allowed; name the protocol 'TLS' and write the version in Versions = \"1.2\""));

    [Fact]
    public Task ConstantName_ReportsOnTheArgument() => V.AnalyzerAsync(
        """
        static class Names
        {
            public const string Chat = "web socket";
        }

        [UpgradeProtocol({|#0:Names.Chat|})]
        """ + "\n" + Handler,
        V.Diagnostic("UPG001").WithLocation(0).WithArguments("web socket", "' ' (space) at position 3 is not allowed"));

    [Fact]
    public Task NamedColonArgument_ReportsOnTheArgument() => V.AnalyzerAsync(
        "[UpgradeProtocol(name: {|#0:\"a b\"|})]\n" + Handler,
        V.Diagnostic("UPG001").WithLocation(0).WithArguments("a b", "' ' (space) at position 1 is not allowed"));

    [Fact]
    public Task EveryAttributeOfAClass_IsChecked() => V.AnalyzerAsync(
        "[UpgradeProtocol(\"echo\")]\n[UpgradeProtocol({|UPG001:\"e cho\"|})]\n[UpgradeProtocol({|UPG001:\"\"|})]\n" + Handler);

    [Theory]
    [InlineData("h2", "2")]
    [InlineData("H2", "2")]
    [InlineData("h3", "3")]
    [InlineData("h2-14", "2")]
    [InlineData("h3-29", "3")]
    [InlineData("HTTP/2", "2")]
    [InlineData("http/2.0", "2")]
    [InlineData("HTTP/3", "3")]
    [InlineData("HTTP/3.0", "3")]
    public Task Rfc9113Section3_Http2NameIsNeverUpgradedTo_ReportsUPG006(string name, string version) => V.AnalyzerAsync(
        $"[UpgradeProtocol({{|#0:\"{name}\"|}})]\n" + Handler,
        V.Diagnostic("UPG006").WithLocation(0).WithArguments(name, version));

    [Theory]
    [InlineData("2", "HTTP/2", "2")]
    [InlineData("2.0", "HTTP/2.0", "2")]
    [InlineData("3", "HTTP/3", "3")]
    [InlineData("1.1, 3.0", "HTTP/3.0", "3")]
    public Task Rfc9113Section3_HttpWithVersion2Or3_ReportsUPG006OnVersions(string versions, string shown, string major) => V.AnalyzerAsync(
        $"[UpgradeProtocol(\"HTTP\", Versions = {{|#0:\"{versions}\"|}})]\n" + Handler,
        V.Diagnostic("UPG006").WithLocation(0).WithArguments(shown, major));

    [Theory]
    [InlineData("1.1")]
    [InlineData("1.0, 1.1")]
    public Task HttpWithVersion1_ReportsNothing(string versions) =>
        V.AnalyzerAsync($"[UpgradeProtocol(\"HTTP\", Versions = \"{versions}\")]\n" + Handler);

    [Theory]
    [InlineData("h2c")]
    [InlineData("H2C")]
    public Task Rfc9113Section3_1_H2cIsDeprecated_ReportsUPG007Warning(string name) => V.AnalyzerAsync(
        $"[UpgradeProtocol({{|#0:\"{name}\"|}})]\n" + Handler,
        V.Diagnostic("UPG007").WithLocation(0).WithArguments(name));

    [Fact]
    public Task ClassWithoutTheAttribute_IsNotChecked() => V.AnalyzerAsync("""
        public abstract class NotAHandler
        {
        }
        """);
}
