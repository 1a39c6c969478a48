using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.Extensions.DependencyInjection;

namespace HttpUpgrade.Generators.Benchmarks;

/// <summary>
/// An app with a given number of handler classes, one file each as most codebases lay them out, plus a file of
/// ordinary code to edit. A third are WebSocket handlers with versions and subprotocols and an injected service, a
/// third raw handlers with two attributes and optional parameters, a third raw handlers that share one token and
/// differ by version. Every handler has a method body, so an edit anywhere is a realistic one.
/// </summary>
internal sealed class HandlerCorpus
{
    public const string UnrelatedPath = "/app/Startup.cs";

    private static readonly CSharpParseOptions s_parseOptions = new(LanguageVersion.Latest);

    private static readonly Lazy<MetadataReference[]> s_references = new(() =>
    {
        string frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        return ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(path => string.Equals(Path.GetDirectoryName(path), frameworkDirectory, StringComparison.Ordinal))
            .Append(typeof(UpgradeRegistration).Assembly.Location)
            .Append(typeof(IServiceCollection).Assembly.Location)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToArray();
    });

    public HandlerCorpus(int handlerCount)
    {
        var trees = new List<SyntaxTree>(handlerCount + 1);
        for (int i = 0; i < handlerCount; i++)
        {
            trees.Add(Parse(Handler(i, "1, 2"), HandlerPath(i)));
        }

        trees.Add(Parse(Startup(0), UnrelatedPath));
        Compilation = CSharpCompilation.Create(
            "Contoso.App",
            trees,
            s_references.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        // A raw handler near the middle (i % 3 == 1), whose version list an edit changes.
        int edited = (handlerCount / 2 / 3 * 3) + 1;
        EditedHandler = (Compilation.SyntaxTrees.Single(t => t.FilePath == HandlerPath(edited)), Parse(Handler(edited, "1, 2, 3"), HandlerPath(edited)));
        Unrelated = Compilation.SyntaxTrees.Single(t => t.FilePath == UnrelatedPath);
    }

    public CSharpCompilation Compilation { get; }

    /// <summary>The file without handlers, as first parsed.</summary>
    public SyntaxTree Unrelated { get; }

    /// <summary>A handler's file before and after one of its tokens changed.</summary>
    public (SyntaxTree Before, SyntaxTree After) EditedHandler { get; }

    /// <summary>The unrelated file after the <paramref name="edit"/>th keystroke-sized change to a method body.</summary>
    public static SyntaxTree EditedStartup(int edit) => Parse(Startup(edit), UnrelatedPath);

    private static SyntaxTree Parse(string source, string path) => CSharpSyntaxTree.ParseText(source, s_parseOptions, path);

    private static string HandlerPath(int i) => "/app/Handlers/Handler" + i.ToString(CultureInfo.InvariantCulture) + ".cs";

    private static string Startup(int edit) => $$"""
        namespace Contoso.App;

        public static class Startup
        {
            public static int Port() => {{(5000 + edit).ToString(CultureInfo.InvariantCulture)}};
        }
        """;

    private static string Handler(int i, string versions)
    {
        string n = i.ToString(CultureInfo.InvariantCulture);
        return (i % 3) switch
        {
            0 => $$"""
                using System;
                using System.Net.WebSockets;
                using System.Threading;
                using System.Threading.Tasks;
                using HttpUpgrade;

                namespace Contoso.App.Handlers;

                public sealed class Room{{n}}
                {
                }

                [UpgradeProtocol("websocket", Versions = "13", SubProtocols = "chat{{n}}.v2, chat{{n}}.v1")]
                public sealed class ChatHandler{{n}}(Room{{n}} room) : IWebSocketHandler
                {
                    public async Task OnConnectedAsync(WebSocket socket, UpgradeContext context, CancellationToken aborted)
                    {
                        byte[] buffer = new byte[4096];
                        ValueWebSocketReceiveResult result = await socket.ReceiveAsync(buffer.AsMemory(), aborted);
                        await socket.SendAsync(buffer.AsMemory(0, result.Count), WebSocketMessageType.Text, true, aborted);
                        _ = room;
                    }
                }
                """,
            1 => $$"""
                using System;
                using System.Threading;
                using System.Threading.Tasks;
                using HttpUpgrade;

                namespace Contoso.App.Handlers;

                [UpgradeProtocol("proto{{n}}", Versions = "{{versions}}")]
                [UpgradeProtocol("proto{{n}}-legacy")]
                internal sealed class RawHandler{{n}}(IServiceProvider services, TimeProvider? time = null, int backlog = 16) : IUpgradeHandler
                {
                    public async Task HandleAsync(UpgradeContext context, CancellationToken aborted)
                    {
                        byte[] buffer = new byte[backlog * 1024];
                        int read = await context.Transport.ReadAsync(buffer, aborted);
                        await context.Transport.WriteAsync(buffer.AsMemory(0, read), aborted);
                        _ = (services, time ?? TimeProvider.System);
                    }
                }
                """,
            _ => $$"""
                using System.Threading;
                using System.Threading.Tasks;
                using HttpUpgrade;

                namespace Contoso.App.Handlers;

                [UpgradeProtocol("telemetry", Versions = "{{n}}")]
                public class TelemetryHandler{{n}} : IUpgradeHandler
                {
                    public Task HandleAsync(UpgradeContext context, CancellationToken aborted)
                        => context.Transport.CopyToAsync(System.IO.Stream.Null, aborted);
                }
                """,
        };
    }
}
