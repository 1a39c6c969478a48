using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace HttpUpgrade.Analyzers.Benchmarks;

/// <summary>
/// A compilation the size of a large app: <see cref="HandlerCount"/> handler classes in files of ten, half WebSocket
/// handlers with versions and subprotocols that send an HTTP request (one in ten over HTTP/2), half raw handlers with
/// injected services, so that every analyzer has real work: attributes to read, classes to check, operations to walk.
/// </summary>
internal static class HandlerCorpus
{
    public const int HandlerCount = 1000;
    private const int HandlersPerFile = 10;

    public static CSharpCompilation Create()
    {
        var trees = new List<SyntaxTree>();
        for (int file = 0; file < HandlerCount / HandlersPerFile; file++)
        {
            var source = new StringBuilder("""
                using System;
                using System.Net;
                using System.Net.Http;
                using System.Net.WebSockets;
                using System.Threading;
                using System.Threading.Tasks;
                using HttpUpgrade;

                namespace App.Handlers;

                """);
            for (int i = file * HandlersPerFile; i < (file + 1) * HandlersPerFile; i++)
            {
                source.Append(Handler(i));
            }

            trees.Add(CSharpSyntaxTree.ParseText(
                source.ToString(),
                new CSharpParseOptions(LanguageVersion.Latest),
                path: $"/app/Handlers{file.ToString(CultureInfo.InvariantCulture)}.cs"));
        }

        return CSharpCompilation.Create(
            "App",
            trees,
            References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }

    private static string Handler(int i)
    {
        string n = i.ToString(CultureInfo.InvariantCulture);

        // One chat handler in ten sends HTTP/2 and touches Connection, so its body passes the UPG008 sieve and is bound.
        string version = i % 20 == 0 ? "Version20" : "Version11";
        return i % 2 == 0
            ? $$"""
                [UpgradeProtocol("websocket", Versions = "13", SubProtocols = "chat{{n}}.v2, chat{{n}}.v1")]
                public sealed class ChatHandler{{n}}(HttpClient client) : IWebSocketHandler
                {
                    public async Task OnConnectedAsync(WebSocket socket, UpgradeContext context, CancellationToken aborted)
                    {
                        using var request = new HttpRequestMessage(HttpMethod.Get, "http://localhost/{{n}}") { Version = HttpVersion.{{version}} };
                        request.Headers.Add("Accept", "text/plain");
                        request.Headers.ConnectionClose = false;
                        using HttpResponseMessage response = await client.SendAsync(request, aborted);
                        byte[] body = await response.Content.ReadAsByteArrayAsync(aborted);
                        await socket.SendAsync(body, WebSocketMessageType.Binary, endOfMessage: true, aborted);
                    }
                }

                """
            : $$"""
                [UpgradeProtocol("proto{{n}}", Versions = "1, 2")]
                [UpgradeProtocol("proto{{n}}-legacy")]
                public sealed class RawHandler{{n}}(IServiceProvider services, TimeProvider? time = null) : IUpgradeHandler
                {
                    private readonly TimeProvider _time = time ?? TimeProvider.System;

                    public async Task HandleAsync(UpgradeContext context, CancellationToken aborted)
                    {
                        byte[] buffer = new byte[4096];
                        int read;
                        while ((read = await context.Transport.ReadAsync(buffer, aborted)) > 0)
                        {
                            await context.Transport.WriteAsync(buffer.AsMemory(0, read), aborted);
                        }

                        _ = services.GetService(typeof(HttpClient)) ?? _time.GetUtcNow();
                    }
                }

                """;
    }

    private static IEnumerable<MetadataReference> References()
    {
        // The running .NET's reference pack: what an app compiles against.
        string root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        string pack = Path.Combine(root, "packs", "Microsoft.NETCore.App.Ref");
        string version = Directory.GetDirectories(pack)
            .Select(Path.GetFileName)
            .Where(name => Version.TryParse(name, out Version? v) && v.Major == Environment.Version.Major)
            .OrderByDescending(name => Version.Parse(name!))
            .First()!;
        string directory = Path.Combine(pack, version, "ref", "net" + Environment.Version.ToString(2));
        foreach (string path in Directory.GetFiles(directory, "*.dll"))
        {
            yield return MetadataReference.CreateFromFile(path);
        }

        yield return MetadataReference.CreateFromFile(typeof(UpgradeProtocolAttribute).Assembly.Location);
    }
}
