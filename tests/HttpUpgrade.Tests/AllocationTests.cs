using System;
using Xunit;

namespace HttpUpgrade.Tests;

public sealed class AllocationTests
{
    private const int Iterations = 1_000;

    [Fact]
    public void Negotiate_AcceptingWebSocketAndRawOffers_AllocatesNothing()
    {
        var negotiator = new UpgradeNegotiator(new CompositeUpgradeRegistry(
        [
            new TestRegistry(
                Registrations.Create("websocket", "13", "chat", "ChatHandler"),
                Registrations.Create("echo", "1", handler: "EchoHandler")),
        ]));

        // RFC 6455 §1.2: the sample opening handshake, with and without a subprotocol to select.
        var webSocket = new FixedRequest("GET", "Upgrade", "websocket", TestRequest.SampleKey, "13", subProtocols: null);
        var webSocketWithSubProtocol = new FixedRequest("GET", "Upgrade", "websocket", TestRequest.SampleKey, "13", "superchat, chat");
        var raw = new FixedRequest("GET", "Upgrade", "echo/1", key: null, version: null, subProtocols: null);

        for (int i = 0; i < 100; i++)
        {
            Assert.Equal(UpgradeOutcome.Accept, negotiator.Negotiate(webSocket).Outcome);
            Assert.Equal("chat", negotiator.Negotiate(webSocketWithSubProtocol).SubProtocol);
            Assert.Equal("echo/1", negotiator.Negotiate(raw).Upgrade);
        }

        Assert.Equal(0, AllocatedBytes(negotiator, webSocket));
        Assert.Equal(0, AllocatedBytes(negotiator, webSocketWithSubProtocol));
        Assert.Equal(0, AllocatedBytes(negotiator, raw));
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
        private readonly string _connection;
        private readonly string _upgrade;
        private readonly string? _key;
        private readonly string? _version;
        private readonly string? _subProtocols;

        public FixedRequest(string method, string connection, string upgrade, string? key, string? version, string? subProtocols)
        {
            Method = method;
            _connection = connection;
            _upgrade = upgrade;
            _key = key;
            _version = version;
            _subProtocols = subProtocols;
        }

        public string Method { get; }

        public UpgradeHttpVersion HttpVersion => UpgradeHttpVersion.Http11;

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
            _ => null,
        };
    }
}
