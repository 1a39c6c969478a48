using System;
using BenchmarkDotNet.Attributes;
using HttpUpgrade.Generated;

namespace HttpUpgrade.Benchmarks;

/// <summary>
/// The cost of one negotiation decision. The baseline is the one piece of work no WebSocket server can skip — one
/// SHA-1 over the key and the GUID (RFC 6455 §4.2.2), done with the platform's <c>SHA1.HashData</c> — so the ratio of a
/// full negotiation shows what the whole decision costs against that single call.
/// </summary>
[MemoryDiagnoser]
public class NegotiationBenchmarks
{
    private const string SampleKey = "dGhlIHNhbXBsZSBub25jZQ==";

    private readonly UpgradeNegotiator _negotiator = new(HttpUpgradeBenchmarksUpgradeRegistry.Instance, new UpgradeNegotiatorOptions { RequireUpgrade = true });
    private readonly char[] _accept = new char[UpgradeDecision.WebSocketAcceptLength];

    private readonly BenchmarkRequest _webSocket = new(
        "GET",
        (UpgradeRequestHeader.Host, "server.example.com"),
        (UpgradeRequestHeader.Connection, "keep-alive, Upgrade"),
        (UpgradeRequestHeader.Upgrade, "websocket"),
        (UpgradeRequestHeader.SecWebSocketKey, SampleKey),
        (UpgradeRequestHeader.SecWebSocketVersion, "13"),
        (UpgradeRequestHeader.SecWebSocketProtocol, "chat.v3, chat.v1"));

    private readonly BenchmarkRequest _raw = new(
        "GET",
        (UpgradeRequestHeader.Host, "server.example.com"),
        (UpgradeRequestHeader.Connection, "Upgrade"),
        (UpgradeRequestHeader.Upgrade, "foo/2, Echo/1"));

    private readonly BenchmarkRequest _plain = new(
        "GET",
        (UpgradeRequestHeader.Host, "server.example.com"),
        (UpgradeRequestHeader.Connection, "keep-alive"));

    /// <summary>Each case must measure the path its name claims, not an early rejection.</summary>
    [GlobalSetup]
    public void CheckDecisions()
    {
        Expect(_negotiator.Negotiate(_webSocket), 101, "chat.v1");
        Expect(_negotiator.Negotiate(_raw), 101, null);
        Expect(_negotiator.Negotiate(_plain), 426, null);

        static void Expect(UpgradeDecision decision, int status, string? subProtocol)
        {
            if (decision.StatusCode != status || decision.SubProtocol != subProtocol)
            {
                throw new InvalidOperationException($"Expected {status} with subprotocol '{subProtocol}', got {decision} ({decision.Message}).");
            }
        }
    }

    private readonly byte[] _acceptInput = System.Text.Encoding.ASCII.GetBytes(SampleKey + WebSocketHandshake.KeyGuid);
    private readonly byte[] _digest = new byte[20];

    /// <summary>The floor any server pays: one platform SHA-1 over the 60 bytes of key and GUID, nothing else.</summary>
    [Benchmark(Baseline = true, Description = "SHA1.HashData over the 60 bytes alone")]
    public byte HashOnly()
    {
        System.Security.Cryptography.SHA1.HashData(_acceptInput, _digest);
        return _digest[0];
    }

    [Benchmark(Description = "Key check + accept key (SHA-1 + base64)")]
    public char ComputeAcceptOnly()
    {
        WebSocketHandshake.ComputeAccept(SampleKey, _accept);
        return _accept[0];
    }

    [Benchmark(Description = "Negotiate: RFC 6455 handshake with subprotocol choice")]
    public int NegotiateWebSocket() => _negotiator.Negotiate(_webSocket).StatusCode;

    [Benchmark(Description = "Negotiate: raw token, second offer matches")]
    public int NegotiateRaw() => _negotiator.Negotiate(_raw).StatusCode;

    [Benchmark(Description = "Negotiate: not an upgrade (426)")]
    public int NegotiatePlainRequest() => _negotiator.Negotiate(_plain).StatusCode;
}
