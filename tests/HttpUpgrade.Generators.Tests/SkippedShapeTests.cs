using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace HttpUpgrade.Generators.Tests;

/// <summary>
/// Classes the registry cannot construct, and attributes the runtime would reject, generate nothing and break nothing.
/// Each case sits next to a valid control handler, so "nothing generated at all" cannot pass for "skipped".
/// </summary>
public sealed class SkippedShapeTests
{
    private const string Handle = "public Task HandleAsync(UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;";

    private const string Control = """
        using System.Threading;
        using System.Threading.Tasks;
        using HttpUpgrade;

        namespace Control
        {
            [UpgradeProtocol("control")]
            public sealed class Handler : IUpgradeHandler
            {
                public Task HandleAsync(UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;
            }
        }
        """;

    private static readonly Dictionary<string, string> s_unconstructibleClasses = new()
    {
        ["abstract class"] = """
            [UpgradeProtocol("skipped")]
            public abstract class Skipped : IUpgradeHandler
            {
                public Skipped()
                {
                }

                public abstract Task HandleAsync(UpgradeContext context, CancellationToken aborted);
            }
            """,
        ["static class"] = """
            [UpgradeProtocol("skipped")]
            public static class Skipped
            {
                public static Task HandleAsync(UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;
            }
            """,
        ["generic class"] = $$"""
            [UpgradeProtocol("skipped")]
            public sealed class Skipped<T> : IUpgradeHandler
            {
                {{Handle}}
            }
            """,
        ["class nested in a generic type"] = $$"""
            public static class Outer<T>
            {
                [UpgradeProtocol("skipped")]
                public sealed class Skipped : IUpgradeHandler
                {
                    {{Handle}}
                }
            }
            """,
        ["file-local class"] = $$"""
            [UpgradeProtocol("skipped")]
            file sealed class Skipped : IUpgradeHandler
            {
                {{Handle}}
            }
            """,
        ["private nested class"] = $$"""
            public static class Outer
            {
                [UpgradeProtocol("skipped")]
                private sealed class Skipped : IUpgradeHandler
                {
                    {{Handle}}
                }
            }
            """,
        ["protected nested class"] = $$"""
            public class Outer
            {
                [UpgradeProtocol("skipped")]
                protected sealed class Skipped : IUpgradeHandler
                {
                    {{Handle}}
                }
            }
            """,
        ["private protected nested class"] = $$"""
            public class Outer
            {
                [UpgradeProtocol("skipped")]
                private protected sealed class Skipped : IUpgradeHandler
                {
                    {{Handle}}
                }
            }
            """,
        ["public class inside a private type"] = $$"""
            public static class Outer
            {
                private static class Middle
                {
                    [UpgradeProtocol("skipped")]
                    public sealed class Skipped : IUpgradeHandler
                    {
                        {{Handle}}
                    }
                }
            }
            """,
        ["no handler interface"] = """
            [UpgradeProtocol("skipped")]
            public sealed class Skipped
            {
            }
            """,
        ["two public constructors"] = $$"""
            [UpgradeProtocol("skipped")]
            public sealed class Skipped : IUpgradeHandler
            {
                public Skipped()
                {
                }

                public Skipped(int backlog)
                {
                    _ = backlog;
                }

                {{Handle}}
            }
            """,
        ["public and internal constructors"] = $$"""
            [UpgradeProtocol("skipped")]
            public sealed class Skipped : IUpgradeHandler
            {
                public Skipped()
                {
                }

                internal Skipped(int backlog)
                {
                    _ = backlog;
                }

                {{Handle}}
            }
            """,
        ["two marked constructors"] = $$"""
            [UpgradeProtocol("skipped")]
            public sealed class Skipped : IUpgradeHandler
            {
                [ActivatorUtilitiesConstructor]
                public Skipped()
                {
                }

                [ActivatorUtilitiesConstructor]
                public Skipped(int backlog)
                {
                    _ = backlog;
                }

                {{Handle}}
            }
            """,
        ["marked private constructor next to a public one"] = $$"""
            [UpgradeProtocol("skipped")]
            public sealed class Skipped : IUpgradeHandler
            {
                public Skipped()
                {
                }

                [ActivatorUtilitiesConstructor]
                private Skipped(int backlog)
                {
                    _ = backlog;
                }

                {{Handle}}
            }
            """,
        ["marked constructor with a ref parameter"] = $$"""
            [UpgradeProtocol("skipped")]
            public sealed class Skipped : IUpgradeHandler
            {
                public Skipped()
                {
                }

                [ActivatorUtilitiesConstructor]
                public Skipped(ref int counter)
                {
                    counter++;
                }

                {{Handle}}
            }
            """,
        ["only a private constructor"] = $$"""
            [UpgradeProtocol("skipped")]
            public sealed class Skipped : IUpgradeHandler
            {
                private Skipped()
                {
                }

                {{Handle}}
            }
            """,
        ["only a protected constructor"] = $$"""
            [UpgradeProtocol("skipped")]
            public class Skipped : IUpgradeHandler
            {
                protected Skipped()
                {
                }

                {{Handle}}
            }
            """,
        ["required member the constructor does not set"] = $$"""
            [UpgradeProtocol("skipped")]
            public sealed class Skipped : IUpgradeHandler
            {
                public required string Motd { get; init; }

                {{Handle}}
            }
            """,
        ["ref parameter"] = $$"""
            [UpgradeProtocol("skipped")]
            public sealed class Skipped : IUpgradeHandler
            {
                public Skipped(ref int counter)
                {
                    counter++;
                }

                {{Handle}}
            }
            """,
        ["ref struct parameter"] = $$"""
            [UpgradeProtocol("skipped")]
            public sealed class Skipped : IUpgradeHandler
            {
                public Skipped(Span<byte> buffer)
                {
                    buffer.Clear();
                }

                {{Handle}}
            }
            """,
        ["nullable value type parameter without a default"] = $$"""
            [UpgradeProtocol("skipped")]
            public sealed class Skipped(int? backlog) : IUpgradeHandler
            {
                public int? Backlog { get; } = backlog;

                {{Handle}}
            }
            """,
        ["default value C# cannot spell"] = $$"""
            [UpgradeProtocol("skipped")]
            public sealed class Skipped([Optional, DateTimeConstant(0)] DateTime since) : IUpgradeHandler
            {
                public DateTime Since { get; } = since;

                {{Handle}}
            }
            """,
    };

    private static readonly Dictionary<string, string> s_invalidAttributes = new()
    {
        ["name is not a token"] = """[UpgradeProtocol("web socket")]""",
        ["name is empty"] = """[UpgradeProtocol("")]""",
        ["name is surrounded by whitespace"] = """[UpgradeProtocol(" echo ")]""",
        ["name is not ASCII"] = """[UpgradeProtocol("wébsocket")]""",
        ["version is not a token"] = """[UpgradeProtocol("echo", Versions = "1 2")]""",
        ["version list has an empty element"] = """[UpgradeProtocol("echo", Versions = "13,,8")]""",
        ["version list ends with a comma"] = """[UpgradeProtocol("echo", Versions = "13,")]""",
        ["version list is only whitespace"] = """[UpgradeProtocol("echo", Versions = " \t")]""",
        ["versions repeat case-insensitively"] = """[UpgradeProtocol("echo", Versions = "v1, V1")]""",
        ["subprotocol is not a token"] = """[UpgradeProtocol("websocket", SubProtocols = "chat/v1")]""",
        ["subprotocols repeat case-insensitively"] = """[UpgradeProtocol("websocket", SubProtocols = "chat, CHAT")]""",
        ["name is the HTTP/2 ALPN identifier"] = """[UpgradeProtocol("h2")]""",
        ["name is the HTTP/3 ALPN identifier"] = """[UpgradeProtocol("H3")]""",
        ["name is an HTTP/2 draft identifier"] = """[UpgradeProtocol("h2-14")]""",
        ["name is HTTP/2"] = """[UpgradeProtocol("HTTP/2")]""",
        ["name is HTTP with version 2 among others"] = """[UpgradeProtocol("HTTP", Versions = "1.1, 2")]""",
        ["name is HTTP with version 3.0"] = """[UpgradeProtocol("http", Versions = "3.0")]""",
    };

    // UPG003: within a class, the first registration of a claim in source order is kept, each later one is skipped whole.
    // Different classes may claim the same thing, and all of them are generated: an endpoint chooses among them (UPG011).
    private static readonly Dictionary<string, (string Declarations, string[] Registrations)> s_duplicates = new()
    {
        ["repeated attribute on one class"] = ($$"""
            [UpgradeProtocol("echo", Versions = "1")]
            [UpgradeProtocol("ECHO", Versions = " 1")]
            [UpgradeProtocol("echo", Versions = "2")]
            public sealed class Repeated : IUpgradeHandler
            {
                {{Handle}}
            }
            """, new[] { "echo/1 -> Sample.Repeated", "echo/2 -> Sample.Repeated" }),
        ["the same claim in two classes is generated for both"] = ($$"""
            [UpgradeProtocol("echo", Versions = "1")]
            public sealed class Zulu : IUpgradeHandler
            {
                {{Handle}}
            }

            [UpgradeProtocol("Echo", Versions = "1")]
            public sealed class Alpha : IUpgradeHandler
            {
                {{Handle}}
            }
            """, new[] { "Echo/1 -> Sample.Alpha", "echo/1 -> Sample.Zulu" }),
        ["overlapping versions skip the whole later registration"] = ($$"""
            [UpgradeProtocol("echo", Versions = "1, 2")]
            [UpgradeProtocol("echo", Versions = "2, 3")]
            [UpgradeProtocol("echo", Versions = "4")]
            public sealed class Overlapping : IUpgradeHandler
            {
                {{Handle}}
            }
            """, new[] { "echo/1,2 -> Sample.Overlapping", "echo/4 -> Sample.Overlapping" }),
        ["overlapping subprotocols"] = ($$"""
            [UpgradeProtocol("websocket", Versions = "13", SubProtocols = "chat.v1, chat.v2")]
            [UpgradeProtocol("WebSocket", Versions = "13", SubProtocols = "CHAT.V2")]
            [UpgradeProtocol("websocket", Versions = "13")]
            public sealed class Chat : IUpgradeHandler
            {
                {{Handle}}
            }
            """, new[] { "websocket/13 -> Sample.Chat", "websocket/13 -> Sample.Chat" }),
        ["a skipped duplicate keeps the claims it made first"] = ($$"""
            [UpgradeProtocol("echo", Versions = "1")]
            [UpgradeProtocol("echo", Versions = "1, 2")]
            [UpgradeProtocol("echo", Versions = "2")]
            public sealed class Chained : IUpgradeHandler
            {
                {{Handle}}
            }
            """, new[] { "echo/1 -> Sample.Chained" }),
        ["parts of a partial class in one file, in the order written"] = ($$"""
            [UpgradeProtocol("echo", Versions = "1")]
            public sealed partial class Split : IUpgradeHandler
            {
                {{Handle}}
            }

            [UpgradeProtocol("echo", Versions = "1, 2")]
            [UpgradeProtocol("echo", Versions = "3")]
            public sealed partial class Split
            {
            }
            """, new[] { "echo/1 -> Sample.Split", "echo/3 -> Sample.Split" }),
        ["a registration an IWebSocketHandler cannot serve claims nothing"] = ($$"""
            [UpgradeProtocol("echo")]
            [UpgradeProtocol("websocket")]
            [UpgradeProtocol("echo")]
            public sealed class Chat : IWebSocketHandler
            {
                public Task OnConnectedAsync(System.Net.WebSockets.WebSocket socket, UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;
            }
            """, new[] { "websocket -> Sample.Chat" }),
        ["registrations skipped for another reason claim nothing"] = ($$"""
            [UpgradeProtocol("echo")]
            public abstract class Abstract : IUpgradeHandler
            {
                public abstract Task HandleAsync(UpgradeContext context, CancellationToken aborted);
            }

            [UpgradeProtocol("echo")]
            public sealed class NoInterface
            {
            }

            [UpgradeProtocol("HTTP", Versions = "1.1, 2")]
            [UpgradeProtocol("echo", Versions = "1,,2")]
            public sealed class Invalid : IUpgradeHandler
            {
                {{Handle}}
            }

            [UpgradeProtocol("echo")]
            [UpgradeProtocol("HTTP", Versions = "1.1")]
            [UpgradeProtocol("echo", Versions = "1")]
            public sealed class Kept : IUpgradeHandler
            {
                {{Handle}}
            }
            """, new[] { "echo/1 -> Sample.Kept", "echo -> Sample.Kept", "HTTP/1.1 -> Sample.Kept" }),
    };

    public static TheoryData<string> UnconstructibleClasses => new(s_unconstructibleClasses.Keys);

    public static TheoryData<string> InvalidAttributes => new(s_invalidAttributes.Keys);

    public static TheoryData<string> Duplicates => new(s_duplicates.Keys);

    [Theory]
    [MemberData(nameof(UnconstructibleClasses))]
    public void UnconstructibleClassIsSkipped(string rule)
    {
        GeneratorRun run = GeneratorHarness.Run(CreateCompilation(s_unconstructibleClasses[rule]));

        using LoadedAssembly loaded = run.Load();
        Assert.Equal(new[] { "control -> Control.Handler" }, loaded.DescribeRegistrations());
    }

    [Theory]
    [MemberData(nameof(InvalidAttributes))]
    public void InvalidRegistrationIsSkippedAndTheClassKeepsItsOthers(string rule)
    {
        string handler = $$"""
            [UpgradeProtocol("kept", Versions = "1")]
            {{s_invalidAttributes[rule]}}
            public sealed class Partly : IUpgradeHandler
            {
                {{Handle}}
            }
            """;

        GeneratorRun run = GeneratorHarness.Run(CreateCompilation(handler));

        using LoadedAssembly loaded = run.Load();
        Assert.Equal(new[] { "control -> Control.Handler", "kept -> Sample.Partly" }, loaded.DescribeRegistrations());
    }

    [Theory]
    [MemberData(nameof(Duplicates))]
    public void UPG003_LaterDuplicateIsSkipped(string rule)
    {
        (string declarations, string[] registrations) = s_duplicates[rule];

        GeneratorRun run = GeneratorHarness.Run(CreateCompilation(declarations));

        using LoadedAssembly loaded = run.Load();
        Assert.Equal(
            registrations.Prepend("control -> Control.Handler"),
            loaded.Registry.Registrations.Select(registration => registration.ToString()));
    }

    [Fact]
    public void NothingIsGeneratedWhenNoRegistrationSurvives()
    {
        string handler = $$"""
            [UpgradeProtocol("web socket")]
            public sealed class Invalid : IUpgradeHandler
            {
                {{Handle}}
            }
            """;

        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(Wrap(handler)));

        Assert.Empty(run.Sources);
    }

    private static Microsoft.CodeAnalysis.CSharp.CSharpCompilation CreateCompilation(string sample)
        => GeneratorHarness.CreateCompilation(new[] { GeneratorHarness.Parse(Control, "Control.cs"), GeneratorHarness.Parse(Wrap(sample), "Sample.cs") });

    private static string Wrap(string declarations) => $$"""
        using System;
        using System.Runtime.CompilerServices;
        using System.Runtime.InteropServices;
        using System.Threading;
        using System.Threading.Tasks;
        using HttpUpgrade;
        using Microsoft.Extensions.DependencyInjection;

        namespace Sample
        {
        {{declarations}}
        }
        """;
}
