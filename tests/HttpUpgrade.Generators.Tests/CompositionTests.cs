using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace HttpUpgrade.Generators.Tests;

/// <summary>
/// A class library generates its own public registry and <c>Add{Library}UpgradeHandlers()</c>; an app composes it with
/// one explicit call, without reflection or assembly scanning.
/// </summary>
public sealed class CompositionTests
{
    private const string Library = """
        using System.Net.WebSockets;
        using System.Threading;
        using System.Threading.Tasks;
        using HttpUpgrade;

        namespace Contoso.Chat
        {
            public sealed class Room
            {
            }

            [UpgradeProtocol("websocket", SubProtocols = "contoso.chat")]
            public sealed class ChatHandler(Room room) : IWebSocketHandler
            {
                public Room Room { get; } = room;

                public Task OnConnectedAsync(WebSocket socket, UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;
            }

            [UpgradeProtocol("audit")]
            [UpgradeProtocol("echo", Versions = "2")]
            internal sealed class AuditHandler : IUpgradeHandler
            {
                public Task HandleAsync(UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;
            }
        }
        """;

    private const string App = """
        using System.Threading;
        using System.Threading.Tasks;
        using HttpUpgrade;
        using Microsoft.Extensions.DependencyInjection;

        namespace App
        {
            [UpgradeProtocol("echo", Versions = "1")]
            public sealed class EchoHandler : IUpgradeHandler
            {
                public Task HandleAsync(UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;
            }

            public static class Startup
            {
                public static void Configure(IServiceCollection services)
                {
                    services.AddSingleton<Contoso.Chat.Room>();
                    services.AddUpgradeHandlers();
                    services.AddContosoChatUpgradeHandlers();
                }
            }
        }
        """;

    [Fact]
    public void AnAppComposesALibrarysHandlersWithOneCall()
    {
        GeneratorRun library = Generate(Library, "Contoso.Chat");
        GeneratorRun app = Generate(App, "App", library);
        using LoadedAssembly loaded = app.Load(library);

        var services = new ServiceCollection();
        loaded.GetType("App.Startup").GetMethod("Configure")!.Invoke(null, new object[] { services });
        using ServiceProvider provider = services.BuildServiceProvider();

        // What MapUpgrade does with the registries it finds in DI: the app's first, then the library's.
        IUpgradeRegistry[] registries = provider.GetServices<IUpgradeRegistry>().ToArray();
        Assert.Equal(new[] { "HttpUpgrade.Generated.AppUpgradeRegistry", "HttpUpgrade.Generated.ContosoChatUpgradeRegistry" }, registries.Select(r => r.GetType().FullName));
        var negotiator = new UpgradeNegotiator(new CompositeUpgradeRegistry(registries));

        Assert.Equal("App.EchoHandler", Accepted(negotiator, RequestHead.Raw("echo/1")).HandlerName);
        Assert.Equal("Contoso.Chat.AuditHandler", Accepted(negotiator, RequestHead.Raw("echo/2")).HandlerName);
        Assert.Equal("Contoso.Chat.AuditHandler", Accepted(negotiator, RequestHead.Raw("audit")).HandlerName);
        UpgradeRegistration chat = Accepted(negotiator, RequestHead.WebSocket("contoso.chat"));
        Assert.Equal("Contoso.Chat.ChatHandler", chat.HandlerName);
        object handler = chat.CreateHandler(provider);
        Type room = handler.GetType().Assembly.GetType("Contoso.Chat.Room", throwOnError: true)!;
        Assert.Same(provider.GetRequiredService(room), handler.GetType().GetProperty("Room")!.GetValue(handler));
    }

    [Fact]
    public void AssembliesSharingInternalsDeclareNoTypeTwice()
    {
        const string shared = """
            [assembly: System.Runtime.CompilerServices.InternalsVisibleTo("Shared.App")]

            namespace Shared.Handlers
            {
                [HttpUpgrade.UpgradeProtocol("shared")]
                internal sealed class SharedHandler : HttpUpgrade.IUpgradeHandler
                {
                    public System.Threading.Tasks.Task HandleAsync(HttpUpgrade.UpgradeContext context, System.Threading.CancellationToken aborted)
                        => System.Threading.Tasks.Task.CompletedTask;
                }
            }
            """;
        const string app = """
            using Microsoft.Extensions.DependencyInjection;

            namespace Shared.App
            {
                [HttpUpgrade.UpgradeProtocol("app")]
                internal sealed class AppHandler : HttpUpgrade.IUpgradeHandler
                {
                    public System.Threading.Tasks.Task HandleAsync(HttpUpgrade.UpgradeContext context, System.Threading.CancellationToken aborted)
                        => System.Threading.Tasks.Task.CompletedTask;
                }

                public static class Startup
                {
                    public static void Configure(IServiceCollection services)
                        => services.AddSharedAppUpgradeHandlers().AddSharedHandlersUpgradeHandlers();
                }
            }
            """;

        // Both assemblies' generated types are visible to the app; distinct names keep CS0436 away (Load fails on any warning).
        GeneratorRun library = Generate(shared, "Shared.Handlers");
        GeneratorRun appRun = Generate(app, "Shared.App", library);
        using LoadedAssembly loaded = appRun.Load(library);

        var services = new ServiceCollection();
        loaded.GetType("Shared.App.Startup").GetMethod("Configure")!.Invoke(null, new object[] { services });
        using ServiceProvider provider = services.BuildServiceProvider();
        Assert.Equal(
            new[] { "app -> Shared.App.AppHandler", "shared -> Shared.Handlers.SharedHandler" },
            provider.GetServices<IUpgradeRegistry>().SelectMany(r => r.Registrations).Select(r => r.Name + " -> " + r.HandlerName));
    }

    [Fact]
    public void WhereAnotherAssemblysInternalsAreVisibleOnlyTheExtensionCallIsAmbiguous()
    {
        GeneratorRun library = Generate("""
            [assembly: System.Runtime.CompilerServices.InternalsVisibleTo("Shared.App")]

            [HttpUpgrade.UpgradeProtocol("shared")]
            internal sealed class SharedHandler : HttpUpgrade.IUpgradeHandler
            {
                public System.Threading.Tasks.Task HandleAsync(HttpUpgrade.UpgradeContext context, System.Threading.CancellationToken aborted)
                    => System.Threading.Tasks.Task.CompletedTask;
            }
            """, "Shared.Handlers");
        CSharpCompilation app = GeneratorHarness.CreateCompilation(
            new[]
            {
                GeneratorHarness.Parse("""
                    [HttpUpgrade.UpgradeProtocol("app")]
                    internal sealed class AppHandler : HttpUpgrade.IUpgradeHandler
                    {
                        public System.Threading.Tasks.Task HandleAsync(HttpUpgrade.UpgradeContext context, System.Threading.CancellationToken aborted)
                            => System.Threading.Tasks.Task.CompletedTask;
                    }

                    public static class Startup
                    {
                        public static void Configure(Microsoft.Extensions.DependencyInjection.IServiceCollection services)
                            => Microsoft.Extensions.DependencyInjection.SharedAppUpgradeHandlersServiceCollectionExtensions.AddUpgradeHandlers(services);
                    }
                    """, "App.cs"),
            },
            assemblyName: "Shared.App",
            references: new[] { library.Output.ToMetadataReference() });
        // Called through its class, this assembly's AddUpgradeHandlers() compiles; as an extension call, both assemblies' apply.
        GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(app, out Compilation qualified, out _);
        GeneratorHarness.AssertNoDiagnostics("qualified", qualified.GetDiagnostics());

        SyntaxTree tree = qualified.SyntaxTrees.Single(t => t.FilePath == "App.cs");
        Compilation ambiguous = qualified.ReplaceSyntaxTree(
            tree,
            GeneratorHarness.Parse(
                "using Microsoft.Extensions.DependencyInjection;\n" + tree.GetText().ToString().Replace("Microsoft.Extensions.DependencyInjection.SharedAppUpgradeHandlersServiceCollectionExtensions.AddUpgradeHandlers(services)", "services.AddUpgradeHandlers()", StringComparison.Ordinal),
                "App.cs"));
        Assert.Equal("CS0121", Assert.Single(ambiguous.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error).Id);
    }

    private static GeneratorRun Generate(string source, string assemblyName, params GeneratorRun[] references)
        => GeneratorHarness.Run(
            GeneratorHarness.CreateCompilation(
                new[] { GeneratorHarness.Parse(source, assemblyName + ".cs") },
                assemblyName: assemblyName,
                references: references.Select(reference => reference.Output.ToMetadataReference())),
            inputCallsGeneratedCode: true);

    private static UpgradeRegistration Accepted(UpgradeNegotiator negotiator, RequestHead request)
    {
        UpgradeDecision decision = negotiator.Negotiate(request);
        Assert.True(decision.Outcome == UpgradeOutcome.Accept, $"{decision.Outcome} {decision.StatusCode} {decision.Reason}");
        return decision.Registration!;
    }
}
