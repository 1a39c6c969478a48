using System.Threading.Tasks;
using HttpUpgrade.Analyzers.CodeFixes;
using Xunit;
using Dup = HttpUpgrade.Analyzers.Tests.Infrastructure.Verify<HttpUpgrade.Analyzers.DuplicateRegistrationAnalyzer>;
using V = HttpUpgrade.Analyzers.Tests.Infrastructure.Verify<HttpUpgrade.Analyzers.UpgradeProtocolAnalyzer>;

namespace HttpUpgrade.Analyzers.Tests;

/// <summary>The fixes with one right answer, each applied alone and through Fix All.</summary>
public sealed class CodeFixTests
{
    private const string HandleAsync = "public Task HandleAsync(UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;";

    [Fact]
    public Task UPG001_SurroundingWhitespace_IsTrimmed() => V.CodeFixAsync<ProtocolNameCodeFixProvider>(
        $$"""
        [UpgradeProtocol({|UPG001:" echo\t"|}, Versions = "1")]
        public sealed class EchoHandler : IUpgradeHandler { {{HandleAsync}} }
        """,
        $$"""
        [UpgradeProtocol("echo", Versions = "1")]
        public sealed class EchoHandler : IUpgradeHandler { {{HandleAsync}} }
        """,
        batchFixedSource: null);

    [Fact]
    public Task UPG001_NameWithVersion_IsSplitIntoNameAndVersions() => V.CodeFixAsync<ProtocolNameCodeFixProvider>(
        """
        [UpgradeProtocol({|UPG001:"websocket/13"|})]
        public sealed class ChatHandler : IWebSocketHandler
        {
            public Task OnConnectedAsync(WebSocket socket, UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;
        }
        """,
        """
        [UpgradeProtocol("websocket", Versions = "13")]
        public sealed class ChatHandler : IWebSocketHandler
        {
            public Task OnConnectedAsync(WebSocket socket, UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;
        }
        """,
        batchFixedSource: null);

    [Fact]
    public Task UPG001_NameWithVersion_PutsVersionsBeforeOtherNamedArguments() => V.CodeFixAsync<ProtocolNameCodeFixProvider>(
        """
        [UpgradeProtocol({|UPG001:" websocket/13"|}, SubProtocols = "chat.v2, chat.v1")]
        public sealed class ChatHandler : IWebSocketHandler
        {
            public Task OnConnectedAsync(WebSocket socket, UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;
        }
        """,
        """
        [UpgradeProtocol("websocket", Versions = "13", SubProtocols = "chat.v2, chat.v1")]
        public sealed class ChatHandler : IWebSocketHandler
        {
            public Task OnConnectedAsync(WebSocket socket, UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;
        }
        """,
        batchFixedSource: null);

    [Fact]
    public Task UPG001_NameWithVersionAlreadyInVersions_KeepsVersions() => V.CodeFixAsync<ProtocolNameCodeFixProvider>(
        $$"""
        [UpgradeProtocol({|UPG001:"TLS/1.2"|}, Versions = "1.3, 1.2")]
        public sealed class TlsHandler : IUpgradeHandler { {{HandleAsync}} }
        """,
        $$"""
        [UpgradeProtocol("TLS", Versions = "1.3, 1.2")]
        public sealed class TlsHandler : IUpgradeHandler { {{HandleAsync}} }
        """,
        batchFixedSource: null);

    [Fact]
    public Task UPG001_NameWithVersionOutsideVersions_HasNoFix() => V.CodeFixAsync<ProtocolNameCodeFixProvider>(
        $$"""
        [UpgradeProtocol({|UPG001:"TLS/1.2"|}, Versions = "1.3")]
        public sealed class TlsHandler : IUpgradeHandler { {{HandleAsync}} }
        """,
        $$"""
        [UpgradeProtocol({|UPG001:"TLS/1.2"|}, Versions = "1.3")]
        public sealed class TlsHandler : IUpgradeHandler { {{HandleAsync}} }
        """,
        batchFixedSource: null);

    [Fact]
    public Task UPG001_FixAll_FixesEveryRegistrationOfEachKind() => V.CodeFixAsync<ProtocolNameCodeFixProvider>(
        $$"""
        [UpgradeProtocol({|UPG001:"echo/1"|})]
        [UpgradeProtocol({|UPG001:"echo/2"|})]
        public sealed class EchoHandler : IUpgradeHandler { {{HandleAsync}} }

        [UpgradeProtocol({|UPG001:"TLS/1.2"|})]
        public sealed class TlsHandler : IUpgradeHandler { {{HandleAsync}} }
        """,
        $$"""
        [UpgradeProtocol("echo", Versions = "1")]
        [UpgradeProtocol("echo", Versions = "2")]
        public sealed class EchoHandler : IUpgradeHandler { {{HandleAsync}} }

        [UpgradeProtocol("TLS", Versions = "1.2")]
        public sealed class TlsHandler : IUpgradeHandler { {{HandleAsync}} }
        """,
        batchFixedSource: null);

    [Fact]
    public Task UPG001_FixAll_TrimsEveryName() => V.CodeFixAsync<ProtocolNameCodeFixProvider>(
        $$"""
        [UpgradeProtocol({|UPG001:"echo "|})]
        public sealed class EchoHandler : IUpgradeHandler { {{HandleAsync}} }

        [UpgradeProtocol({|UPG001:"  chat"|})]
        public sealed class ChatHandler : IUpgradeHandler { {{HandleAsync}} }
        """,
        $$"""
        [UpgradeProtocol("echo")]
        public sealed class EchoHandler : IUpgradeHandler { {{HandleAsync}} }

        [UpgradeProtocol("chat")]
        public sealed class ChatHandler : IUpgradeHandler { {{HandleAsync}} }
        """,
        batchFixedSource: null);

    [Fact]
    public Task UPG004_WebSocketClass_GetsIWebSocketHandlerAndAStub() => V.CodeFixAsync<HandlerInterfaceCodeFixProvider>(
        """
        [UpgradeProtocol("websocket", Versions = "13")]
        public sealed class {|UPG004:ChatHandler|}
        {
            private readonly int _limit = 10;
        }
        """,
        """
        [UpgradeProtocol("websocket", Versions = "13")]
        public sealed class ChatHandler : IWebSocketHandler
        {
            private readonly int _limit = 10;

            public Task OnConnectedAsync(WebSocket socket, UpgradeContext context, CancellationToken aborted)
            {
                throw new NotImplementedException();
            }
        }
        """,
        batchFixedSource: null);

    [Fact]
    public Task UPG004_FileWithoutUsings_GetsTheUsingsTheStubNeeds() => V.CodeFixWithoutUsingsAsync<HandlerInterfaceCodeFixProvider>(
        """
        namespace App;

        [HttpUpgrade.UpgradeProtocol("echo")]
        public sealed class {|UPG004:EchoHandler|}
        {
        }
        """,
        """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using HttpUpgrade;

        namespace App;

        [HttpUpgrade.UpgradeProtocol("echo")]
        public sealed class EchoHandler : IUpgradeHandler
        {
            public Task HandleAsync(UpgradeContext context, CancellationToken aborted)
            {
                throw new NotImplementedException();
            }
        }
        """,
        batchFixedSource: null);

    [Fact]
    public Task UPG004_ClassWithTheMethodAlready_GetsOnlyTheInterface() => V.CodeFixAsync<HandlerInterfaceCodeFixProvider>(
        $$"""
        public abstract class Base
        {
        }

        [UpgradeProtocol("echo")]
        public sealed class {|UPG004:EchoHandler|} : Base
        {
            {{HandleAsync}}
        }
        """,
        $$"""
        public abstract class Base
        {
        }

        [UpgradeProtocol("echo")]
        public sealed class EchoHandler : Base, IUpgradeHandler
        {
            {{HandleAsync}}
        }
        """,
        batchFixedSource: null);

    [Fact]
    public Task UPG004_WebSocketHandlerRegisteredForAnotherProtocol_GetsIUpgradeHandlerOnce() => V.CodeFixAsync<HandlerInterfaceCodeFixProvider>(
        """
        [UpgradeProtocol("websocket")]
        [UpgradeProtocol({|UPG004:"echo"|})]
        [UpgradeProtocol({|UPG004:"TLS"|}, Versions = "1.2")]
        public sealed class ChatHandler : IWebSocketHandler
        {
            public Task OnConnectedAsync(WebSocket socket, UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;
        }
        """,
        """
        [UpgradeProtocol("websocket")]
        [UpgradeProtocol("echo")]
        [UpgradeProtocol("TLS", Versions = "1.2")]
        public sealed class ChatHandler : IWebSocketHandler, IUpgradeHandler
        {
            public Task OnConnectedAsync(WebSocket socket, UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;

            public Task HandleAsync(UpgradeContext context, CancellationToken aborted)
            {
                throw new NotImplementedException();
            }
        }
        """,
        batchFixedSource: null);

    [Fact]
    public Task UPG004_FixAll_AddsTheRightInterfaceToEachClass() => V.CodeFixAsync<HandlerInterfaceCodeFixProvider>(
        """
        [UpgradeProtocol("echo")]
        public sealed class {|UPG004:EchoHandler|}
        {
        }

        [UpgradeProtocol("websocket")]
        public sealed class {|UPG004:ChatHandler|}
        {
        }
        """,
        """
        [UpgradeProtocol("echo")]
        public sealed class EchoHandler : IUpgradeHandler
        {
            public Task HandleAsync(UpgradeContext context, CancellationToken aborted)
            {
                throw new NotImplementedException();
            }
        }

        [UpgradeProtocol("websocket")]
        public sealed class ChatHandler : IWebSocketHandler
        {
            public Task OnConnectedAsync(WebSocket socket, UpgradeContext context, CancellationToken aborted)
            {
                throw new NotImplementedException();
            }
        }
        """,
        batchFixedSource: null);

    [Fact]
    public Task UPG003_RepeatedAttribute_IsRemoved() => Dup.CodeFixAsync<DuplicateRegistrationCodeFixProvider>(
        $$"""
        [UpgradeProtocol("echo", Versions = "1")]
        [UpgradeProtocol({|UPG003:"ECHO"|}, Versions = " 1")]
        public sealed class EchoHandler : IUpgradeHandler { {{HandleAsync}} }
        """,
        $$"""
        [UpgradeProtocol("echo", Versions = "1")]
        public sealed class EchoHandler : IUpgradeHandler { {{HandleAsync}} }
        """,
        batchFixedSource: null);

    [Fact]
    public Task UPG003_AttributeCoveredByOtherAttributesOfItsClass_IsRemovedFromItsList() => Dup.CodeFixAsync<DuplicateRegistrationCodeFixProvider>(
        $$"""
        [UpgradeProtocol("echo", Versions = "1"), UpgradeProtocol("echo", Versions = "2")]
        [UpgradeProtocol("other"), UpgradeProtocol({|UPG003:"echo"|}, Versions = "2, 1")]
        public sealed class EchoHandler : IUpgradeHandler { {{HandleAsync}} }
        """,
        $$"""
        [UpgradeProtocol("echo", Versions = "1"), UpgradeProtocol("echo", Versions = "2")]
        [UpgradeProtocol("other")]
        public sealed class EchoHandler : IUpgradeHandler { {{HandleAsync}} }
        """,
        batchFixedSource: null);

    [Fact]
    public Task UPG003_RepeatThatAlsoClaimsSomethingNew_HasNoFix() => Dup.CodeFixAsync<DuplicateRegistrationCodeFixProvider>(
        $$"""
        [UpgradeProtocol("echo", Versions = "1")]
        [UpgradeProtocol({|UPG003:"echo"|}, Versions = "1, 2")]
        public sealed class EchoHandler : IUpgradeHandler { {{HandleAsync}} }
        """,
        $$"""
        [UpgradeProtocol("echo", Versions = "1")]
        [UpgradeProtocol({|UPG003:"echo"|}, Versions = "1, 2")]
        public sealed class EchoHandler : IUpgradeHandler { {{HandleAsync}} }
        """,
        batchFixedSource: null);

    [Fact]
    public Task UPG003_FixAll_RemovesEveryRepeat() => Dup.CodeFixAsync<DuplicateRegistrationCodeFixProvider>(
        $$"""
        /// <summary>Echoes.</summary>
        [UpgradeProtocol("echo")]
        [UpgradeProtocol({|UPG003:"echo"|})]
        [UpgradeProtocol({|UPG003:"Echo"|})]
        public sealed class EchoHandler : IUpgradeHandler { {{HandleAsync}} }

        [UpgradeProtocol("chat")]
        [UpgradeProtocol({|UPG003:"chat"|})]
        public sealed class ChatHandler : IUpgradeHandler { {{HandleAsync}} }
        """,
        $$"""
        /// <summary>Echoes.</summary>
        [UpgradeProtocol("echo")]
        public sealed class EchoHandler : IUpgradeHandler { {{HandleAsync}} }

        [UpgradeProtocol("chat")]
        public sealed class ChatHandler : IUpgradeHandler { {{HandleAsync}} }
        """,
        batchFixedSource: null);
}
