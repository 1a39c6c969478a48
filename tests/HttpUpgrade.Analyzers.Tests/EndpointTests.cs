using System.Threading.Tasks;
using HttpUpgrade.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace HttpUpgrade.Analyzers.Tests;

/// <summary>
/// UPG011 (handlers that collide on one endpoint) and UPG012 (a type argument that is no handler), against the real
/// <c>MapUpgrade</c> overloads of HttpUpgrade.AspNetCore.
/// </summary>
public sealed class EndpointTests
{
    private const string NamedEndpoint = "this endpoint";
    private const string EveryHandler = "this endpoint, which serves every handler of the assembly";
    private const string OnConnectedAsync = "public Task OnConnectedAsync(WebSocket socket, UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;";
    private const string HandleAsync = "public Task HandleAsync(UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;";

    private static string WebSocketHandler(string name, string attribute) =>
        $"[{attribute}]\npublic sealed class {name} : IWebSocketHandler {{ {OnConnectedAsync} }}\n";

    private static string RawHandler(string name, string attribute) =>
        $"[{attribute}]\npublic sealed class {name} : IUpgradeHandler {{ {HandleAsync} }}\n";

    [Fact]
    public Task TwoWebSocketHandlersWithoutSubprotocols_OnOneEndpoint_ReportUPG011OnTheLaterTypeArgument() => CollisionAsync(
        """
        app.MapUpgrade<ChatHandler, {|#0:NewsHandler|}>("/live");
        """
        + WebSocketHandler("ChatHandler", "{|#2:UpgradeProtocol(\"websocket\", Versions = \"13\")|}")
        + WebSocketHandler("NewsHandler", "{|#1:UpgradeProtocol(\"WebSocket\")|}"),
        Collision().WithLocation(0).WithLocation(1).WithLocation(2).WithArguments("WebSocket/13", "ChatHandler", "NewsHandler", NamedEndpoint));

    [Fact]
    public Task ThreeHandlers_TheThirdRepeatsTheFirst_ReportsUPG011OnTheThird() => CollisionAsync(
        """
        app.MapUpgrade<EchoHandler, ChatHandler, {|#0:OtherEchoHandler|}>("/live", options => options.Negotiation.AllowAnyOrigin = true);
        """
        + RawHandler("EchoHandler", "{|#2:UpgradeProtocol(\"echo\", Versions = \"1, 2\")|}")
        + WebSocketHandler("ChatHandler", "UpgradeProtocol(\"websocket\")")
        + RawHandler("OtherEchoHandler", "{|#1:UpgradeProtocol(\"ECHO\", Versions = \"2\")|}"),
        Collision().WithLocation(0).WithLocation(1).WithLocation(2).WithArguments("ECHO/2", "EchoHandler", "OtherEchoHandler", NamedEndpoint));

    [Theory]
    [InlineData("UpgradeProtocol(\"websocket\", SubProtocols = \"chat\")", "UpgradeProtocol(\"websocket\", SubProtocols = \"news\")")]
    [InlineData("UpgradeProtocol(\"websocket\", Versions = \"13\")", "UpgradeProtocol(\"websocket\", Versions = \"8\")")]
    [InlineData("UpgradeProtocol(\"websocket\")", "UpgradeProtocol(\"websocket\", SubProtocols = \"news\")")]
    public Task DistinctClaims_OnOneEndpoint_ReportNothing(string first, string second) => CollisionAsync(
        "app.MapUpgrade<ChatHandler, NewsHandler>(\"/live\");\n" + WebSocketHandler("ChatHandler", first) + WebSocketHandler("NewsHandler", second));

    [Fact]
    public Task CollidingHandlers_OnDifferentEndpoints_ReportNothing() => CollisionAsync(
        """
        app.MapUpgrade<ChatHandler>("/chat");
        app.MapUpgrade<NewsHandler>("/news");
        """
        + WebSocketHandler("ChatHandler", "UpgradeProtocol(\"websocket\")")
        + WebSocketHandler("NewsHandler", "UpgradeProtocol(\"websocket\")"));

    [Fact]
    public Task CollidingHandlers_WithoutAnyMapUpgrade_ReportNothing() => CollisionAsync(
        "app.MapGet(\"/\", () => \"hello\");\n"
        + WebSocketHandler("ChatHandler", "UpgradeProtocol(\"websocket\")")
        + WebSocketHandler("NewsHandler", "UpgradeProtocol(\"websocket\")"));

    [Fact]
    public Task MapUpgradeWithoutTypeArguments_ServesEveryHandler_ReportsUPG011OnTheCall() => CollisionAsync(
        """
        app.MapUpgrade<ChatHandler>("/chat");
        {|#0:app.MapUpgrade("/all")|};
        """
        + WebSocketHandler("ChatHandler", "{|#2:UpgradeProtocol(\"websocket\")|}")
        + RawHandler("EchoHandler", "UpgradeProtocol(\"echo\")")
        + WebSocketHandler("NewsHandler", "{|#1:UpgradeProtocol(\"websocket\")|}"),
        Collision().WithLocation(0).WithLocation(1).WithLocation(2).WithArguments("websocket/13", "ChatHandler", "NewsHandler", EveryHandler));

    [Fact]
    public Task MapUpgradeWithoutTypeArguments_HandlersThatDoNotCollide_ReportNothing() => CollisionAsync(
        "app.MapUpgrade(\"/all\", options => { });\n"
        + WebSocketHandler("ChatHandler", "UpgradeProtocol(\"websocket\", SubProtocols = \"chat\")")
        + RawHandler("EchoHandler", "UpgradeProtocol(\"echo\")")
        + RawHandler("OtherEchoHandler", "UpgradeProtocol(\"echo\", Versions = \"1\")"));

    [Theory]
    [InlineData("public abstract class Skipped : IUpgradeHandler { " + HandleAsync + " }")]
    [InlineData("public sealed class Skipped : IWebSocketHandler { " + OnConnectedAsync + " }")]
    [InlineData("public sealed class Skipped { }")]
    public Task RegistrationsTheGeneratorSkips_CollideWithNothing(string skipped) => CollisionAsync(
        "app.MapUpgrade(\"/all\");\n[UpgradeProtocol(\"echo\")]\n" + skipped + "\n" + RawHandler("EchoHandler", "UpgradeProtocol(\"echo\")"));

    [Fact]
    public Task HandlerOfAReferencedLibrary_CollidesWithAnOwnOne_ReportsUPG011() => CollisionAsync(
        "app.MapUpgrade<Library.LibraryEchoHandler, {|#0:EchoHandler|}>(\"/echo\");\n"
        + RawHandler("EchoHandler", "{|#1:UpgradeProtocol(\"echo\")|}"),
        library: "namespace Library;\n" + RawHandler("LibraryEchoHandler", "UpgradeProtocol(\"Echo\")"),
        Collision().WithLocation(0).WithLocation(1).WithArguments("echo", "LibraryEchoHandler", "EchoHandler", NamedEndpoint));

    [Fact]
    public void UPG011_IsTaggedCompilationEnd() =>
        Assert.Contains(WellKnownDiagnosticTags.CompilationEnd, DiagnosticDescriptors.EndpointCollision.CustomTags);

    [Theory]
    [InlineData("app.MapUpgrade<{|#0:Plain|}>(\"/x\");", "Plain", "MapUpgrade<THandler>")]
    [InlineData("app.MapUpgrade<ChatHandler, {|#0:Plain|}>(\"/x\");", "Plain", "MapUpgrade<THandler2>")]
    [InlineData("app.MapUpgrade<{|#0:IWebSocketHandler|}>(\"/x\");", "IWebSocketHandler", "MapUpgrade<THandler>")]
    [InlineData("app.MapUpgrade<{|#0:object|}>(\"/x\");", "object", "MapUpgrade<THandler>")]
    [InlineData("app.MapUpgrade<{|#0:DerivedChatHandler|}>(\"/x\");", "DerivedChatHandler", "MapUpgrade<THandler>")]
    [InlineData("app.MapUpgrade<{|#0:Library.LibraryPlain|}>(\"/x\");", "LibraryPlain", "MapUpgrade<THandler>")]
    [InlineData("app.MapUpgrade(\"/x\", options => options.Negotiation.ForHandler<{|#0:Plain|}>(handler => { }));", "Plain", "ForHandler<THandler>")]
    public Task TypeArgumentWithoutUpgradeProtocol_ReportsUPG012(string call, string type, string method) => HandlerTypeAsync(
        call,
        new DiagnosticResult("UPG012", DiagnosticSeverity.Error).WithLocation(0).WithArguments(type, method));

    [Theory]
    [InlineData("app.MapUpgrade<ChatHandler>(\"/x\");")]
    [InlineData("app.MapUpgrade<Library.LibraryEchoHandler, ChatHandler>(\"/x\");")]
    [InlineData("app.MapUpgrade(\"/x\", options => options.Negotiation.ForHandler<ChatHandler>(handler => handler.WebSocketDeflate = new()));")]
    [InlineData("Map<ChatHandler>(app); static void Map<T>(IEndpointRouteBuilder endpoints) where T : class => endpoints.MapUpgrade<T>(\"/x\");")]
    [InlineData("app.MapUpgrade<InvalidHandler>(\"/x\");")]
    public Task HandlerOrUnknownTypeArgument_ReportsNothing(string call) => HandlerTypeAsync(call);

    private static DiagnosticResult Collision() => new("UPG011", DiagnosticSeverity.Error);

    private static Task CollisionAsync(string program, params DiagnosticResult[] expected) => CollisionAsync(program, library: null, expected);

    private static Task CollisionAsync(string program, string? library, params DiagnosticResult[] expected) =>
        RunAsync(Verify<EndpointCollisionAnalyzer>.CreateAnalyzerTest(App(program)), library, expected);

    // A few handlers to name, and a library with a handler and a class that is none.
    private static Task HandlerTypeAsync(string call, params DiagnosticResult[] expected) => RunAsync(
        Verify<EndpointHandlerTypeAnalyzer>.CreateAnalyzerTest(App(call + "\n"
            + WebSocketHandler("ChatHandler", "UpgradeProtocol(\"websocket\")")
            + "public class DerivedChatHandler : ChatHandlerBase { }\n"
            + "[UpgradeProtocol(\"echo\")]\npublic class ChatHandlerBase : IUpgradeHandler { " + HandleAsync + " }\n"
            + "[UpgradeProtocol(\"web socket\")]\npublic sealed class InvalidHandler { }\n"
            + "public sealed class Plain { }\n")),
        "namespace Library;\n" + RawHandler("LibraryEchoHandler", "UpgradeProtocol(\"echo\")") + "public sealed class LibraryPlain { }\n",
        expected);

    private static string App(string program) => """
        using Microsoft.AspNetCore.Builder;
        using Microsoft.AspNetCore.Routing;

        var app = WebApplication.CreateSlimBuilder(args).Build();

        """ + program;

    private static Task RunAsync<TAnalyzer>(CSharpAnalyzerTest<TAnalyzer, DefaultVerifier> test, string? library, DiagnosticResult[] expected)
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        test.TestState.OutputKind = OutputKind.ConsoleApplication;
        test.TestState.AdditionalReferences.AddRange(TestReferences.AspNetCore);
        test.TestState.AdditionalReferences.Add(TestReferences.HttpUpgradeAspNetCore);
        if (library is not null)
        {
            ProjectState project = test.TestState.AdditionalProjects["Library"];
            project.Sources.Add(("/Library/Handlers.cs", Verify<TAnalyzer>.Usings + library));
            project.AdditionalReferences.AddRange(TestReferences.Net);
            project.AdditionalReferences.Add(TestReferences.HttpUpgrade);
            test.TestState.AdditionalProjectReferences.Add("Library");
        }

        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }
}
