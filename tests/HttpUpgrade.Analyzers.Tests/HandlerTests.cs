using System.Threading.Tasks;
using HttpUpgrade.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using V = HttpUpgrade.Analyzers.Tests.Infrastructure.Verify<HttpUpgrade.Analyzers.UpgradeProtocolAnalyzer>;

namespace HttpUpgrade.Analyzers.Tests;

/// <summary>UPG004 (no handler interface, or one that does not serve the protocol) and UPG005 (generated code cannot construct the class).</summary>
public sealed class HandlerTests
{
    private const string HandleAsync = "public Task HandleAsync(UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;";
    private const string OnConnectedAsync = "public Task OnConnectedAsync(WebSocket socket, UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;";
    private const string Neither = "implements neither IUpgradeHandler nor IWebSocketHandler";

    private static string OnlyWebSocket(string protocol) => $"implements only IWebSocketHandler, which serves only websocket, not '{protocol}'";

    [Fact]
    public Task HandlerContract_ClassWithNeitherInterface_ReportsUPG004OnTheClassName() => V.AnalyzerAsync(
        """
        [UpgradeProtocol("echo")]
        public sealed class {|#0:EchoHandler|}
        {
        }
        """,
        V.Diagnostic("UPG004").WithLocation(0).WithArguments("EchoHandler", Neither, "IUpgradeHandler"));

    [Fact]
    public Task HandlerContract_WebSocketOnlyClass_SuggestsIWebSocketHandler() => V.AnalyzerAsync(
        """
        [UpgradeProtocol("websocket", Versions = "13")]
        [UpgradeProtocol("WebSocket", SubProtocols = "chat")]
        public sealed class {|#0:ChatHandler|}
        {
        }
        """,
        V.Diagnostic("UPG004").WithLocation(0).WithArguments("ChatHandler", Neither, "IWebSocketHandler"));

    [Fact]
    public Task HandlerContract_MixedProtocols_SuggestIUpgradeHandler() => V.AnalyzerAsync(
        """
        [UpgradeProtocol("websocket")]
        [UpgradeProtocol("echo")]
        public sealed class {|#0:Handler|}
        {
        }
        """,
        V.Diagnostic("UPG004").WithLocation(0).WithArguments("Handler", Neither, "IUpgradeHandler"));

    [Fact]
    public Task HandlerContract_WebSocketHandlerRegisteredForAnotherProtocol_ReportsUPG004OnThatRegistration() => V.AnalyzerAsync($$"""
        [UpgradeProtocol("websocket", Versions = "13")]
        [UpgradeProtocol({|#0:"echo"|}, Versions = "1")]
        [UpgradeProtocol({|#1:"TLS"|})]
        public sealed class ChatHandler : IWebSocketHandler
        {
            {{OnConnectedAsync}}
        }
        """,
        V.Diagnostic("UPG004").WithLocation(0).WithArguments("ChatHandler", OnlyWebSocket("echo"), "IUpgradeHandler"),
        V.Diagnostic("UPG004").WithLocation(1).WithArguments("ChatHandler", OnlyWebSocket("TLS"), "IUpgradeHandler"));

    [Fact]
    public Task HandlerContract_WebSocketHandlerThatCannotBeConstructed_ReportsBothProblems() => V.AnalyzerAsync($$"""
        [UpgradeProtocol({|#1:"echo"|})]
        public abstract class {|#0:ChatHandler|} : IWebSocketHandler
        {
            {{OnConnectedAsync}}
        }
        """,
        V.Diagnostic("UPG004").WithLocation(1).WithArguments("ChatHandler", OnlyWebSocket("echo"), "IUpgradeHandler"),
        V.Diagnostic("UPG005").WithLocation(0).WithArguments("ChatHandler", "it is abstract; register a concrete class"));

    [Theory]
    [InlineData("IWebSocketHandler, IUpgradeHandler", "[UpgradeProtocol(\"echo\")] [UpgradeProtocol(\"websocket\")]")]
    [InlineData("IWebSocketHandler", "[UpgradeProtocol(\"WebSocket\")] [UpgradeProtocol(\"websocket\", SubProtocols = \"chat\")]")]
    [InlineData("IUpgradeHandler", "[UpgradeProtocol(\"websocket\")] [UpgradeProtocol(\"echo\")]")]
    public Task HandlerContract_ContractServesEveryProtocol_ReportsNothing(string contracts, string attributes) => V.AnalyzerAsync($$"""
        {{attributes}}
        public sealed class Handler : {{contracts}}
        {
            {{HandleAsync}}
            {{OnConnectedAsync}}
        }
        """);

    [Fact]
    public Task HandlerContract_InvalidNameOnWebSocketHandler_ReportsOnlyTheName() => V.AnalyzerAsync($$"""
        [UpgradeProtocol({|#0:"web socket"|})]
        public sealed class ChatHandler : IWebSocketHandler
        {
            {{OnConnectedAsync}}
        }
        """,
        V.Diagnostic("UPG001").WithLocation(0).WithArguments("web socket", "' ' (space) at position 3 is not allowed"));

    [Fact]
    public Task HandlerContract_InheritedInterface_ReportsNothing() => V.AnalyzerAsync($$"""
        public abstract class HandlerBase : IUpgradeHandler
        {
            {{HandleAsync}}
        }

        [UpgradeProtocol("echo")]
        public sealed class EchoHandler : HandlerBase
        {
        }
        """);

    [Fact]
    public Task HandlerContract_PartialClass_ReportsOnThePartCarryingTheAttribute() => V.AnalyzerAsync(
        """
        public sealed partial class EchoHandler
        {
        }

        [UpgradeProtocol("echo")]
        public sealed partial class {|#0:EchoHandler|}
        {
        }
        """,
        V.Diagnostic("UPG004").WithLocation(0).WithArguments("EchoHandler", Neither, "IUpgradeHandler"));

    [Theory]
    [InlineData("public abstract class {|#0:Handler|} : IUpgradeHandler { public abstract Task HandleAsync(UpgradeContext context, CancellationToken aborted); }", "Handler", "it is abstract; register a concrete class")]
    [InlineData("public sealed class {|#0:Handler|}<T> : IUpgradeHandler { " + HandleAsync + " }", "Handler<T>", "it is generic; register a non-generic class, for example one that derives from a closed type")]
    [InlineData("public static class Outer<T> { [UpgradeProtocol(\"echo\")] public sealed class {|#0:Handler|} : IUpgradeHandler { " + HandleAsync + " } }", "Outer<T>.Handler", "it is nested in 'Outer<T>', which is generic; move the handler out of the generic type")]
    [InlineData("file sealed class {|#0:Handler|} : IUpgradeHandler { " + HandleAsync + " }", "Handler", "it is file-local; remove the 'file' modifier")]
    [InlineData("file static class Outer { [UpgradeProtocol(\"echo\")] public sealed class {|#0:Handler|} : IUpgradeHandler { " + HandleAsync + " } }", "Outer.Handler", "it is nested in 'Outer', which is file-local; remove the 'file' modifier")]
    [InlineData("public class Outer { [UpgradeProtocol(\"echo\")] private sealed class {|#0:Handler|} : IUpgradeHandler { " + HandleAsync + " } }", "Outer.Handler", "it is private; make it internal or public")]
    [InlineData("public class Outer { [UpgradeProtocol(\"echo\")] protected sealed class {|#0:Handler|} : IUpgradeHandler { " + HandleAsync + " } }", "Outer.Handler", "it is protected; make it internal or public")]
    [InlineData("public class Outer { [UpgradeProtocol(\"echo\")] private protected sealed class {|#0:Handler|} : IUpgradeHandler { " + HandleAsync + " } }", "Outer.Handler", "it is private protected; make it internal or public")]
    [InlineData("public class Outer { private class Middle { [UpgradeProtocol(\"echo\")] public sealed class {|#0:Handler|} : IUpgradeHandler { " + HandleAsync + " } } }", "Outer.Middle.Handler", "it is nested in 'Outer.Middle', which is private; make it internal or public")]
    [InlineData("public sealed class {|#0:Handler|} : IUpgradeHandler { private Handler() { } " + HandleAsync + " }", "Handler", "it has no public or internal constructor; add one")]
    [InlineData("public sealed class {|#0:Handler|} : IUpgradeHandler { public Handler() { } internal Handler(int x) { } " + HandleAsync + " }", "Handler", "it has 2 public or internal constructors and generated code calls exactly one; mark one [ActivatorUtilitiesConstructor] or make the others private or protected")]
    [InlineData("public sealed class {|#0:Handler|} : IUpgradeHandler { public required string Name { get; init; } " + HandleAsync + " }", "Handler", "it has required members that its constructor does not set; set them in the constructor and mark it [SetsRequiredMembers]")]
    [InlineData("public sealed class {|#0:Handler|}(ref int count) : IUpgradeHandler { " + HandleAsync + " }", "Handler", "constructor parameter 'count' is passed by reference; take the service by value")]
    [InlineData("public sealed class {|#0:Handler|}(Span<byte> buffer) : IUpgradeHandler { " + HandleAsync + " }", "Handler", "constructor parameter 'buffer' is a ref struct, which cannot be a service; take a class or an ordinary struct")]
    [InlineData("public sealed class {|#0:Handler|}(int? limit) : IUpgradeHandler { " + HandleAsync + " }", "Handler", "constructor parameter 'limit' is a nullable value type without a default, which cannot be a required service; give it a default value")]
    [InlineData("public sealed class {|#0:Handler|}([System.Runtime.InteropServices.Optional, System.Runtime.CompilerServices.DateTimeConstant(0)] DateTime since) : IUpgradeHandler { " + HandleAsync + " }", "Handler", "constructor parameter 'since' has a default value that C# cannot write as a literal; remove the default or use a literal one")]
    public Task GeneratedFactory_ClassItCannotConstruct_ReportsUPG005(string declaration, string shown, string problem)
    {
        string source = declaration.StartsWith("public static class Outer", System.StringComparison.Ordinal) ||
            declaration.StartsWith("public class Outer", System.StringComparison.Ordinal) ||
            declaration.StartsWith("file static class Outer", System.StringComparison.Ordinal)
            ? declaration
            : "[UpgradeProtocol(\"echo\")]\n" + declaration;
        return V.AnalyzerAsync(source, V.Diagnostic("UPG005").WithLocation(0).WithArguments(shown, problem));
    }

    [Fact]
    public Task GeneratedFactory_StaticClass_ReportsUPG004AndUPG005() => V.AnalyzerAsync(
        """
        [UpgradeProtocol("echo")]
        public static class {|#0:Handler|}
        {
        }
        """,
        V.Diagnostic("UPG004").WithLocation(0).WithArguments("Handler", Neither, "IUpgradeHandler"),
        V.Diagnostic("UPG005").WithLocation(0).WithArguments("Handler", "it is static; make it an instance class"));

    [Theory]
    [InlineData("public sealed class Handler : IUpgradeHandler { " + HandleAsync + " }")]
    [InlineData("internal sealed class Handler : IUpgradeHandler { " + HandleAsync + " }")]
    [InlineData("public sealed class Handler(IServiceProvider services, string name = \"x\", int? limit = null, DayOfWeek day = DayOfWeek.Monday) : IUpgradeHandler { " + HandleAsync + " }")]
    [InlineData("public sealed class Handler : IUpgradeHandler { public Handler(in int size) { } private Handler() { } protected Handler(string s) { } " + HandleAsync + " }")]
    [InlineData("public class Handler : IUpgradeHandler { protected internal Handler() { } " + HandleAsync + " }")]
    [InlineData("public sealed class Handler : IUpgradeHandler { public required string Name { get; init; } [System.Diagnostics.CodeAnalysis.SetsRequiredMembers] public Handler() { Name = \"x\"; } " + HandleAsync + " }")]
    [InlineData("public sealed record class Handler : IUpgradeHandler { " + HandleAsync + " }")]
    public Task GeneratedFactory_ConstructibleClass_ReportsNothing(string declaration) =>
        V.AnalyzerAsync("[UpgradeProtocol(\"echo\")]\n" + declaration);

    [Fact]
    public Task GeneratedFactory_MarkedConstructorAmongSeveral_ReportsNothing() => WithDependencyInjectionAsync($$"""
        [UpgradeProtocol("echo")]
        public sealed class Handler : IUpgradeHandler
        {
            public Handler() { }

            [Microsoft.Extensions.DependencyInjection.ActivatorUtilitiesConstructor]
            public Handler(IServiceProvider services) { }

            {{HandleAsync}}
        }
        """);

    [Theory]
    [InlineData("[ActivatorUtilitiesConstructor] public Handler() { } [ActivatorUtilitiesConstructor] public Handler(IServiceProvider services) { }",
        "it has 2 constructors marked [ActivatorUtilitiesConstructor]; mark only the one generated code should call")]
    [InlineData("public Handler() { } [ActivatorUtilitiesConstructor] private Handler(IServiceProvider services) { }",
        "its [ActivatorUtilitiesConstructor] constructor is not public or internal; make it public or internal")]
    public Task GeneratedFactory_AmbiguousOrHiddenMarkedConstructor_ReportsUPG005(string constructors, string problem) => WithDependencyInjectionAsync(
        $$"""
        [UpgradeProtocol("echo")]
        public sealed class {|#0:Handler|} : IUpgradeHandler
        {
            {{constructors}}
            {{HandleAsync}}
        }
        """,
        V.Diagnostic("UPG005").WithLocation(0).WithArguments("Handler", problem));

    [Fact]
    public Task GeneratedFactory_NestedInProtectedInternalType_ReportsNothing() => V.AnalyzerAsync($$"""
        public class Outer
        {
            protected internal class Middle
            {
                [UpgradeProtocol("echo")]
                internal sealed class Handler : IUpgradeHandler
                {
                    {{HandleAsync}}
                }
            }
        }
        """);

    // [ActivatorUtilitiesConstructor] comes from Microsoft.Extensions.DependencyInjection.Abstractions, part of ASP.NET Core.
    private static Task WithDependencyInjectionAsync(string source, params DiagnosticResult[] expected)
    {
        var test = V.CreateAnalyzerTest("using Microsoft.Extensions.DependencyInjection;\n" + source);
        test.TestState.AdditionalReferences.AddRange(TestReferences.AspNetCore);
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }
}
