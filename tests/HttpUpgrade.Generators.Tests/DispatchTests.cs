using System;
using System.Linq;
using Xunit;

namespace HttpUpgrade.Generators.Tests;

/// <summary>Handlers that share a token, told apart by version and subprotocol.</summary>
public sealed class SharedTokenAssembly : IDisposable
{
    public const string Source = """
        using System.Net.WebSockets;
        using System.Threading;
        using System.Threading.Tasks;
        using HttpUpgrade;

        namespace Dispatch
        {
            public abstract class Raw : IUpgradeHandler
            {
                public Task HandleAsync(UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;
            }

            public abstract class Socket : IWebSocketHandler
            {
                public Task OnConnectedAsync(WebSocket socket, UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;
            }

            [UpgradeProtocol("echo")]
            public sealed class EchoAnyVersion : Raw
            {
            }

            [UpgradeProtocol("echo", Versions = "1")]
            public sealed class EchoV1 : Raw
            {
            }

            [UpgradeProtocol("Echo", Versions = "2, 3")]
            public sealed class EchoV2 : Raw
            {
            }

            [UpgradeProtocol("websocket", SubProtocols = "chat.v2")]
            public sealed class ChatV2 : Socket
            {
            }

            [UpgradeProtocol("websocket", Versions = "13", SubProtocols = "chat.v1")]
            public sealed class ChatV1 : Socket
            {
            }

            [UpgradeProtocol("websocket")]
            public sealed class Plain : Socket
            {
            }

            [UpgradeProtocol("websocket", Versions = "8", SubProtocols = "chat.v1")]
            public sealed class Hybi8 : Socket
            {
            }
        }
        """;

    public SharedTokenAssembly()
    {
        Loaded = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(Source)).Load();
        Negotiator = new UpgradeNegotiator(Loaded.Registry);
    }

    internal LoadedAssembly Loaded { get; }

    internal UpgradeNegotiator Negotiator { get; }

    public void Dispose() => Loaded.Dispose();
}

/// <summary>
/// The generated registry under the real negotiator: the handler for the client's first acceptable offer is chosen by
/// name, then version, then the client's most preferred subprotocol.
/// </summary>
public sealed class DispatchTests(SharedTokenAssembly assembly) : IClassFixture<SharedTokenAssembly>
{
    [Theory]
    [InlineData("a listed version selects the handler that lists it", "echo/1", "Dispatch.EchoV1", "echo/1")]
    [InlineData("a listed version selects the handler that lists it", "echo/3", "Dispatch.EchoV2", "Echo/3")]
    [InlineData("names and versions compare case-insensitively", "ECHO/2", "Dispatch.EchoV2", "Echo/2")]
    [InlineData("a version no handler lists goes to the handler without Versions, echoed as offered", "echo/9", "Dispatch.EchoAnyVersion", "echo/9")]
    [InlineData("an offer without a version goes to the handler without Versions", "echo", "Dispatch.EchoAnyVersion", "echo")]
    [InlineData("an unregistered offer is skipped for the next", "h2c, echo/1", "Dispatch.EchoV1", "echo/1")]
    [InlineData("the client's first acceptable offer wins", "echo/2, echo/1", "Dispatch.EchoV2", "Echo/2")]
    [InlineData("a WebSocket offer without its handshake is skipped for the next", "websocket, echo/2", "Dispatch.EchoV2", "Echo/2")]
    public void RawOffersSelectByNameThenVersion(string rule, string upgrade, string handler, string response)
    {
        UpgradeDecision decision = assembly.Negotiator.Negotiate(RequestHead.Raw(upgrade));

        Assert.True(decision.Outcome == UpgradeOutcome.Accept, $"{rule}: {decision.Outcome} {decision.StatusCode} {decision.Reason}");
        Assert.Equal(handler, decision.Registration!.HandlerName);
        Assert.Equal(response, decision.Upgrade);
    }

    [Theory]
    [InlineData("the client's most preferred subprotocol selects its handler", "chat.v1, chat.v2", "13", "Dispatch.ChatV1", "chat.v1")]
    [InlineData("the client's most preferred subprotocol selects its handler", "chat.v2, chat.v1", "13", "Dispatch.ChatV2", "chat.v2")]
    [InlineData("a registration without Versions speaks WebSocket version 13", "chat.v2", "13", "Dispatch.ChatV2", "chat.v2")]
    [InlineData("no subprotocol agreed: the handler that declares none", "superchat", "13", "Dispatch.Plain", null)]
    [InlineData("no subprotocol offered: the handler that declares none", null, "13", "Dispatch.Plain", null)]
    [InlineData("the version selects among handlers that speak the subprotocol", "chat.v1", "8", "Dispatch.Hybi8", "chat.v1")]
    public void WebSocketOffersSelectByVersionThenSubProtocol(string rule, string? subProtocols, string version, string handler, string? subProtocol)
    {
        UpgradeDecision decision = assembly.Negotiator.Negotiate(RequestHead.WebSocket(subProtocols, version));

        Assert.True(decision.Outcome == UpgradeOutcome.Accept, $"{rule}: {decision.Outcome} {decision.StatusCode} {decision.Reason}");
        Assert.Equal(handler, decision.Registration!.HandlerName);
        Assert.Equal(subProtocol, decision.SubProtocol);
    }

    [Fact]
    public void AVersionNoWebSocketHandlerSpeaksIsAnswered426WithEveryVersion()
    {
        UpgradeDecision decision = assembly.Negotiator.Negotiate(RequestHead.WebSocket(version: "7"));

        Assert.Equal(426, decision.StatusCode);
        Assert.Equal("13, 8", decision.SecWebSocketVersion);
    }

    [Fact]
    public void EachNameIsOneRangeWithTheHandlerWithoutVersionsLast()
    {
        Assert.Equal(
            new[] { "Dispatch.EchoV1", "Dispatch.EchoV2", "Dispatch.EchoAnyVersion" },
            assembly.Loaded.Registry.Match("eCHo").ToArray().Select(r => r.HandlerName));
        Assert.Equal(
            new[] { "Dispatch.ChatV1", "Dispatch.Hybi8", "Dispatch.ChatV2", "Dispatch.Plain" },
            assembly.Loaded.Registry.Match("WebSocket").ToArray().Select(r => r.HandlerName));
    }
}
