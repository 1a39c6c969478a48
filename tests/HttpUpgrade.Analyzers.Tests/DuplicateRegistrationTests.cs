using System.Threading.Tasks;
using Xunit;
using V = HttpUpgrade.Analyzers.Tests.Infrastructure.Verify<HttpUpgrade.Analyzers.DuplicateRegistrationAnalyzer>;

namespace HttpUpgrade.Analyzers.Tests;

/// <summary>UPG003: two attributes of one class claim the same name, version and subprotocol.</summary>
public sealed class DuplicateRegistrationTests
{
    private const string HandleAsync = "public Task HandleAsync(UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;";

    private static string Class(string name, params string[] attributes) =>
        string.Join("\n", attributes) + $"\npublic sealed class {name} : IUpgradeHandler {{ {HandleAsync} }}\n";

    [Fact]
    public Task RepeatedAttribute_OnOneClass_ReportsTheLaterOne() => V.AnalyzerAsync(
        Class("EchoHandler", "[UpgradeProtocol({|#1:\"echo\"|})]", "[UpgradeProtocol({|#0:\"echo\"|})]"),
        V.Diagnostic("UPG003").WithLocation(0).WithLocation(1).WithArguments("echo", "EchoHandler"));

    [Theory]
    [InlineData("\"echo\"", "\"ECHO\"", "ECHO")]
    [InlineData("\"echo\", Versions = \"V1\"", "\"Echo\", Versions = \"v1\"", "Echo/v1")]
    [InlineData("\"echo\", Versions = \"1, 2\"", "\"echo\", Versions = \"2, 3\"", "echo/2")]
    [InlineData("\"websocket\", SubProtocols = \"chat.v1, chat.v2\"", "\"websocket\", SubProtocols = \"chat.v2\"", "websocket/13 with subprotocol chat.v2")]
    [InlineData("\"websocket\", Versions = \"13\", SubProtocols = \"a\"", "\"websocket\", Versions = \" 13 \", SubProtocols = \"A\"", "websocket/13 with subprotocol A")]
    public Task Rfc9110Section7_8_NamesCompareCaseInsensitively_OverlapReportsUPG003AsTheLaterOneSpellsIt(string first, string second, string claim)
    {
        string firstName = first.Substring(0, first.IndexOf('"', 1) + 1);
        string secondName = second.Substring(0, second.IndexOf('"', 1) + 1);
        return V.AnalyzerAsync(
            Class(
                "Handler",
                "[UpgradeProtocol({|#1:" + firstName + "|}" + first.Substring(firstName.Length) + ")]",
                "[UpgradeProtocol({|#0:" + secondName + "|}" + second.Substring(secondName.Length) + ")]"),
            V.Diagnostic("UPG003").WithLocation(0).WithLocation(1).WithArguments(claim, "Handler"));
    }

    [Theory]
    [InlineData("\"echo\"", "\"echo2\"")]
    [InlineData("\"echo\", Versions = \"1\"", "\"echo\", Versions = \"2\"")]
    [InlineData("\"echo\"", "\"echo\", Versions = \"1\"")]
    [InlineData("\"websocket\", SubProtocols = \"a\"", "\"websocket\", SubProtocols = \"b\"")]
    [InlineData("\"websocket\", SubProtocols = \"a\"", "\"websocket\"")]
    [InlineData("\"echo\"", "\"ec ho\"")]
    [InlineData("\"echo\", Versions = \"1\"", "\"echo\", Versions = \"1,\"")]
    [InlineData("\"echo\"", "\"echo\", Versions = \"*\"")]
    [InlineData("\"HTTP\", Versions = \"1.1, 2\"", "\"HTTP\", Versions = \"1.1\"")]
    [InlineData("\"h2\"", "\"H2\"")]
    public Task DistinctClaims_OrInvalidRegistrations_ReportNothing(string first, string second) => V.AnalyzerAsync(
        Class("Handler", $"[UpgradeProtocol({first})]", $"[UpgradeProtocol({second})]"));

    [Theory]
    [InlineData("\"echo\"", "\"echo\"")]
    [InlineData("\"websocket\", Versions = \"13\"", "\"WebSocket\", Versions = \"13\"")]
    [InlineData("\"echo\", Versions = \"1, 2\"", "\"echo\", Versions = \"2\"")]
    public Task SameClaim_InTwoClasses_ReportsNothing(string first, string second) => V.AnalyzerAsync(
        Class("A", $"[UpgradeProtocol({first})]") + Class("B", $"[UpgradeProtocol({second})]"));

    [Fact]
    public async Task PartsOfAPartialClassInTwoFiles_ReportInSourceOrder()
    {
        // The file named first in the compilation sorts last by path, so source order, not compilation order, decides.
        var test = V.CreateAnalyzerTest(
            $"[UpgradeProtocol({{|#0:\"echo\"|}})]\npublic sealed partial class EchoHandler : IUpgradeHandler {{ {HandleAsync} }}\n");
        test.TestState.Sources.Add(("/0/A.cs", "using HttpUpgrade;\n[UpgradeProtocol({|#1:\"echo\"|})]\npublic sealed partial class EchoHandler { }\n"));
        test.ExpectedDiagnostics.Add(V.Diagnostic("UPG003").WithLocation(0).WithLocation(1).WithArguments("echo", "EchoHandler"));
        await test.RunAsync();
    }

    [Fact]
    public Task ThreeRepeats_EachLaterOneIsReportedAgainstTheFirst() => V.AnalyzerAsync(
        Class("Handler", "[UpgradeProtocol({|#2:\"echo\"|})]", "[UpgradeProtocol({|#0:\"echo\"|})]", "[UpgradeProtocol({|#1:\"echo\"|})]"),
        V.Diagnostic("UPG003").WithLocation(0).WithLocation(2).WithArguments("echo", "Handler"),
        V.Diagnostic("UPG003").WithLocation(1).WithLocation(2).WithArguments("echo", "Handler"));

    [Fact]
    public Task ALaterDuplicate_StillHoldsItsOtherClaims_SoTheGeneratorSkipsTheChain() => V.AnalyzerAsync(
        Class(
            "Handler",
            "[UpgradeProtocol({|#2:\"echo\"|}, Versions = \"1\")]",
            "[UpgradeProtocol({|#0:\"echo\"|}, Versions = \"1, 2\")]",
            "[UpgradeProtocol({|#1:\"echo\"|}, Versions = \"2\")]"),
        V.Diagnostic("UPG003").WithLocation(0).WithLocation(2).WithArguments("echo/1", "Handler"),
        V.Diagnostic("UPG003").WithLocation(1).WithLocation(0).WithArguments("echo/2", "Handler"));

    [Theory]
    [InlineData("public abstract class Skipped : IUpgradeHandler { " + HandleAsync + " }")]
    [InlineData("public sealed class Skipped { }")]
    [InlineData("public sealed class Skipped<T> : IUpgradeHandler { " + HandleAsync + " }")]
    [InlineData("public sealed class Skipped : IUpgradeHandler { private Skipped() { } " + HandleAsync + " }")]
    [InlineData("public sealed class Skipped(ref int count) : IUpgradeHandler { " + HandleAsync + " }")]
    public Task ClassesTheGeneratorSkips_UPG004OrUPG005_ClaimNothing(string skippedClass) => V.AnalyzerAsync(
        "[UpgradeProtocol(\"echo\")]\n[UpgradeProtocol(\"echo\")]\n" + skippedClass);

    [Fact]
    public Task RegistrationsAWebSocketHandlerCannotServe_UPG004_ClaimNothing() => V.AnalyzerAsync("""
        [UpgradeProtocol("echo")]
        [UpgradeProtocol("echo")]
        [UpgradeProtocol("websocket")]
        public sealed class ChatHandler : IWebSocketHandler
        {
            public Task OnConnectedAsync(System.Net.WebSockets.WebSocket socket, UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;
        }
        """);

    [Fact]
    public void Descriptor_IsNotCompilationEnd_ItNeedsOnlyTheClass() =>
        Assert.DoesNotContain(Microsoft.CodeAnalysis.WellKnownDiagnosticTags.CompilationEnd, DiagnosticDescriptors.DuplicateRegistration.CustomTags);

    [Fact]
    public Task NoRegistrations_ReportsNothing() => V.AnalyzerAsync("public sealed class Plain { }");
}
