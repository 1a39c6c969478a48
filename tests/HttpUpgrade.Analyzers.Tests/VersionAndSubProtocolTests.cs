using System.Threading.Tasks;
using Xunit;
using V = HttpUpgrade.Analyzers.Tests.Infrastructure.Verify<HttpUpgrade.Analyzers.UpgradeProtocolAnalyzer>;

namespace HttpUpgrade.Analyzers.Tests;

/// <summary>UPG002 (Versions), UPG009 (WebSocket version other than 13) and UPG010 (SubProtocols).</summary>
public sealed class VersionAndSubProtocolTests
{
    private const string RawHandler = """
        public sealed class Handler : IUpgradeHandler
        {
            public Task HandleAsync(UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;
        }
        """;

    private const string WebSocketHandler = """
        public sealed class Handler : IWebSocketHandler
        {
            public Task OnConnectedAsync(WebSocket socket, UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;
        }
        """;

    [Theory]
    [InlineData("")]
    [InlineData("1")]
    [InlineData("1, 2")]
    [InlineData(" 1 ,\t2 ")]
    [InlineData("1.0,2.0-beta")]
    public Task Rfc9110Section7_8_VersionTokensTrimmedOfOws_ReportNothing(string versions) =>
        V.AnalyzerAsync($"[UpgradeProtocol(\"echo\", Versions = \"{versions}\")]\n" + RawHandler);

    [Fact]
    public Task VersionsNull_ReportsNothing() =>
        V.AnalyzerAsync("[UpgradeProtocol(\"echo\", Versions = null, SubProtocols = null)]\n" + RawHandler);

    [Theory]
    [InlineData("1,,2", "element 2 is empty; remove the extra comma")]
    [InlineData("1,", "element 2 is empty; remove the extra comma")]
    [InlineData(" ", "it is blank; name at least one token or leave it unset")]
    [InlineData("1 2", "'1 2' is not a token: ' ' (space) at position 1 is not allowed")]
    [InlineData("1, 1/2", "'1/2' is not a token: '/' at position 1 is not allowed")]
    [InlineData("v;1", "'v;1' is not a token: ';' at position 1 is not allowed")]
    [InlineData("1, 2, 1", "'1' is listed twice; remove the repeat")]
    [InlineData("v1, V1", "'V1' is listed twice; remove the repeat")]
    public Task Rfc9110Section7_8_InvalidVersion_ReportsUPG002(string versions, string problem) => V.AnalyzerAsync(
        $"[UpgradeProtocol(\"echo\", Versions = {{|#0:\"{versions}\"|}})]\n" + RawHandler,
        V.Diagnostic("UPG002").WithLocation(0).WithArguments(versions, problem));

    [Fact]
    public Task EveryInvalidVersion_IsReported() => V.AnalyzerAsync(
        "[UpgradeProtocol(\"echo\", Versions = {|#0:\"a b,,c\"|})]\n" + RawHandler,
        V.Diagnostic("UPG002").WithLocation(0).WithArguments("a b,,c", "'a b' is not a token: ' ' (space) at position 1 is not allowed"),
        V.Diagnostic("UPG002").WithLocation(0).WithArguments("a b,,c", "element 2 is empty; remove the extra comma"));

    [Theory]
    [InlineData("13")]
    [InlineData(" 13 ")]
    public Task Rfc6455Section4_1_WebSocketVersion13_ReportsNothing(string versions) =>
        V.AnalyzerAsync($"[UpgradeProtocol(\"websocket\", Versions = \"{versions}\")]\n" + WebSocketHandler);

    [Fact]
    public Task WebSocketWithoutVersions_ReportsNothing() =>
        V.AnalyzerAsync("[UpgradeProtocol(\"WebSocket\")]\n" + WebSocketHandler);

    [Theory]
    [InlineData("8", "8")]
    [InlineData("13, 8", "8")]
    [InlineData("7,13", "7")]
    [InlineData("14", "14")]
    public Task Rfc6455Section4_1_WebSocketVersionOtherThan13_ReportsUPG009Warning(string versions, string version) => V.AnalyzerAsync(
        $"[UpgradeProtocol(\"websocket\", Versions = {{|#0:\"{versions}\"|}})]\n" + WebSocketHandler,
        V.Diagnostic("UPG009").WithLocation(0).WithArguments(version));

    [Fact]
    public Task VersionOtherThan13_OfAnotherProtocol_ReportsNothing() =>
        V.AnalyzerAsync("[UpgradeProtocol(\"echo\", Versions = \"8\")]\n" + RawHandler);

    [Theory]
    [InlineData("chat")]
    [InlineData("chat.v2, chat.v1")]
    [InlineData("graphql-transport-ws,\tmqtt")]
    public Task Rfc6455Section4_1_SubProtocolTokens_ReportNothing(string subProtocols) =>
        V.AnalyzerAsync($"[UpgradeProtocol(\"websocket\", Versions = \"13\", SubProtocols = \"{subProtocols}\")]\n" + WebSocketHandler);

    [Theory]
    [InlineData("chat,", "element 2 is empty; remove the extra comma")]
    [InlineData(",chat", "element 1 is empty; remove the extra comma")]
    [InlineData("\t", "it is blank; name at least one token or leave it unset")]
    [InlineData("chat v2", "'chat v2' is not a token: ' ' (space) at position 4 is not allowed")]
    [InlineData("chat/2", "'chat/2' is not a token: '/' at position 4 is not allowed")]
    [InlineData("chat, CHAT", "'CHAT' is listed twice; remove the repeat")]
    public Task Rfc6455Section4_1_InvalidSubProtocol_ReportsUPG010(string subProtocols, string problem) => V.AnalyzerAsync(
        $"[UpgradeProtocol(\"websocket\", SubProtocols = {{|#0:\"{subProtocols}\"|}})]\n" + WebSocketHandler,
        V.Diagnostic("UPG010").WithLocation(0).WithArguments(subProtocols, problem));

    [Fact]
    public Task InvalidSubProtocol_OfAnyProtocol_ReportsUPG010() => V.AnalyzerAsync(
        "[UpgradeProtocol(\"echo\", SubProtocols = {|UPG010:\"a b\"|})]\n" + RawHandler);

    [Fact]
    public Task NameVersionsAndSubProtocols_AreEachReportedOnTheirOwnArgument() => V.AnalyzerAsync(
        "[UpgradeProtocol({|UPG001:\"we b\"|}, Versions = {|UPG002:\"1,\"|}, SubProtocols = {|UPG010:\"x,x\"|})]\n" + RawHandler);
}
