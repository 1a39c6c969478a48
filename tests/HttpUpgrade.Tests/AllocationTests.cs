using System;
using System.Net.WebSockets;
using Xunit;

namespace HttpUpgrade.Tests;

public sealed class AllocationTests
{
    private const int Iterations = 1_000;

    [Fact]
    public void Negotiate_AcceptingWebSocketAndRawOffers_AllocatesNothing()
    {
        UpgradeRegistration chat = Registrations.Create("websocket", "13", "chat", "ChatHandler");
        var options = new UpgradeNegotiatorOptions { AllowSameOrigin = false, AllowedOrigins = { "https://app.example.com" } };
        options.ForHandler<TestHandlers.ChatHandler>(handler => handler.WebSocketDeflate = new WebSocketDeflateOptions { ServerMaxWindowBits = 12 });
        var negotiator = new UpgradeNegotiator(
            new CompositeUpgradeRegistry(
            [
                new TestRegistry(
                    chat,
                    Registrations.Create("websocket", "13", handler: "PlainHandler"),
                    Registrations.Create("echo", "1", handler: "EchoHandler")),
            ]),
            options);

        // RFC 6455 §1.2: the sample opening handshake, with and without a subprotocol to select.
        var webSocket = new FixedRequest("GET", "Upgrade", "websocket", TestRequest.SampleKey, "13", subProtocols: null);
        var webSocketWithSubProtocol = new FixedRequest("GET", "Upgrade", "websocket", TestRequest.SampleKey, "13", "superchat, chat");
        var raw = new FixedRequest("GET", "Upgrade", "echo/1", key: null, version: null, subProtocols: null);

        // RFC 7692 §7: a browser's offer, a second fallback offer, and an allowed Origin.
        var deflate = new FixedRequest(
            "GET", "Upgrade", "websocket", TestRequest.SampleKey, "13", "chat",
            extensions: "x-webkit-deflate-frame, permessage-deflate; client_max_window_bits=\"10\"; server_max_window_bits=11, permessage-deflate",
            origin: "https://app.example.com");

        for (int i = 0; i < 100; i++)
        {
            Assert.Equal(UpgradeOutcome.Accept, negotiator.Negotiate(webSocket).Outcome);
            Assert.Equal("chat", negotiator.Negotiate(webSocketWithSubProtocol).SubProtocol);
            Assert.Equal("echo/1", negotiator.Negotiate(raw).Upgrade);
            Expect.Extensions("RFC 7692 §7", "permessage-deflate; server_max_window_bits=11; client_max_window_bits=10", negotiator.Negotiate(deflate).Deflate.ToHeaderValue());
        }

        Assert.Equal(0, AllocatedBytes(negotiator, webSocket));
        Assert.Equal(0, AllocatedBytes(negotiator, webSocketWithSubProtocol));
        Assert.Equal(0, AllocatedBytes(negotiator, raw));
        Assert.Equal(0, AllocatedBytes(negotiator, deflate));
    }

    [Fact]
    public void Negotiate_AcceptingAnHttp2ExtendedConnect_AllocatesNothing()
    {
        var negotiator = new UpgradeNegotiator(new TestRegistry(Registrations.Create("websocket", "13", "chat", "ChatHandler")));
        var connect = new FixedRequest("CONNECT", connection: null, upgrade: null, key: null, "13", "chat", protocol: "websocket", httpVersion: UpgradeHttpVersion.Http2);

        Assert.Equal(200, negotiator.Negotiate(connect).StatusCode);
        Assert.Equal(0, AllocatedBytes(negotiator, connect));
    }

    private static long AllocatedBytes(UpgradeNegotiator negotiator, FixedRequest request)
    {
        int accepted = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Iterations; i++)
        {
            if (negotiator.Negotiate(request).Outcome == UpgradeOutcome.Accept)
            {
                accepted++;
            }
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(Iterations, accepted);
        return allocated;
    }

    /// <summary>A request head whose field lines are strings built before measuring; a struct, so nothing boxes.</summary>
    private readonly struct FixedRequest : IUpgradeRequest
    {
        private readonly string? _connection;
        private readonly string? _upgrade;
        private readonly string? _key;
        private readonly string? _version;
        private readonly string? _subProtocols;
        private readonly string? _extensions;
        private readonly string? _origin;
        private readonly string? _protocol;

        public FixedRequest(
            string method,
            string? connection,
            string? upgrade,
            string? key,
            string? version,
            string? subProtocols,
            string? extensions = null,
            string? origin = null,
            string? protocol = null,
            UpgradeHttpVersion httpVersion = UpgradeHttpVersion.Http11)
        {
            Method = method;
            _connection = connection;
            _upgrade = upgrade;
            _key = key;
            _version = version;
            _subProtocols = subProtocols;
            _extensions = extensions;
            _origin = origin;
            _protocol = protocol;
            HttpVersion = httpVersion;
        }

        public string Method { get; }

        public UpgradeHttpVersion HttpVersion { get; }

        public int GetFieldLineCount(UpgradeRequestHeader header) => Value(header) is null ? 0 : 1;

        public ReadOnlySpan<char> GetFieldLine(UpgradeRequestHeader header, int index) => Value(header);

        private string? Value(UpgradeRequestHeader header) => header switch
        {
            UpgradeRequestHeader.Host => "server.example.com",
            UpgradeRequestHeader.Connection => _connection,
            UpgradeRequestHeader.Upgrade => _upgrade,
            UpgradeRequestHeader.SecWebSocketKey => _key,
            UpgradeRequestHeader.SecWebSocketVersion => _version,
            UpgradeRequestHeader.SecWebSocketProtocol => _subProtocols,
            UpgradeRequestHeader.SecWebSocketExtensions => _extensions,
            UpgradeRequestHeader.Origin => _origin,
            UpgradeRequestHeader.Scheme => "https",
            UpgradeRequestHeader.Protocol => _protocol,
            _ => null,
        };
    }
}
