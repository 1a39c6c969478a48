using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace HttpUpgrade.Generators.Tests;

/// <summary>The representative application the snapshot and execution tests share.</summary>
internal static class TestSources
{
    public const string Handlers = """
        using System;
        using System.Net.WebSockets;
        using System.Threading;
        using System.Threading.Tasks;
        using HttpUpgrade;

        namespace Sample
        {
            public sealed class ChatRoom
            {
                public static int Answer() => 42;
            }

            public sealed class Moderator
            {
            }

            public enum Greeting
            {
                Hello = 1,
                Welcome = 2,
            }

            [UpgradeProtocol("websocket", Versions = "13", SubProtocols = "chat.v2, chat.v1")]
            public sealed class ChatHandler(
                ChatRoom room,
                IServiceProvider services,
                string motd = "Say \"hi\"\n",
                Greeting greeting = Greeting.Welcome,
                Moderator? moderator = null) : IWebSocketHandler
            {
                public ChatRoom Room { get; } = room;

                public IServiceProvider Services { get; } = services;

                public string Motd { get; } = motd;

                public Greeting Greeting { get; } = greeting;

                public Moderator? Moderator { get; } = moderator;

                public Task OnConnectedAsync(WebSocket socket, UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;
            }

            [UpgradeProtocol("echo", Versions = "1")]
            public sealed class EchoHandler : IUpgradeHandler
            {
                public Task HandleAsync(UpgradeContext context, CancellationToken aborted)
                    => context.Transport.CopyToAsync(context.Transport, aborted);
            }

            public static class Telemetry
            {
                [UpgradeProtocol("telemetry", Versions = "2, 1")]
                public sealed class StreamHandler : IUpgradeHandler
                {
                    public Task HandleAsync(UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;
                }
            }

            [UpgradeProtocol("WebSocket", Versions = "13, 8")]
            [UpgradeProtocol("chat", Versions = "1\t,2")]
            internal sealed class LegacyChatHandler(int backlog = 16) : IWebSocketHandler, IUpgradeHandler
            {
                public int Backlog { get; } = backlog;

                public Task OnConnectedAsync(WebSocket socket, UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;

                public Task HandleAsync(UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;
            }
        }
        """;

    public const string GlobalHandler = """
        using System.Threading;
        using System.Threading.Tasks;
        using HttpUpgrade;

        [UpgradeProtocol("x-global")]
        public sealed class GlobalHandler : IUpgradeHandler
        {
            public Task HandleAsync(UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;
        }
        """;

    public static IEnumerable<SyntaxTree> Trees()
    {
        yield return GeneratorHarness.Parse(Handlers, "Handlers.cs");
        yield return GeneratorHarness.Parse(GlobalHandler, "GlobalHandler.cs");
    }
}
