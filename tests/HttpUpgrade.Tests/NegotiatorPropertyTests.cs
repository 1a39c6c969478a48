using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using CsCheck;
using HttpUpgrade.Fuzzing;
using Xunit;

namespace HttpUpgrade.Tests;

/// <summary>
/// Properties of the negotiator over generated request heads: real handshakes (WebSocket, custom tokens, TLS, h2c,
/// HTTP/2 extended CONNECT) with random mutations, random tokens, empty elements, quoted-strings and huge lists, each
/// read by the fuzzing harnesses' <see cref="RequestHead"/> and tried against every negotiator of
/// <see cref="Negotiators"/>. CsCheck shrinks a failing head to a small one and prints it with its seed.
/// </summary>
public sealed class NegotiatorPropertyTests
{
    private const int Iterations = 5_000;

    [Fact]
    public void Rfc9110_7_8_An101NamesOnlyAnOfferTheClientSent()
    {
        int accepted = 0;
        Heads.Any.Sample(head =>
        {
            RequestHead request = RequestHead.Parse(head.ToString());
            List<string> offers = Elements(request.Lines(UpgradeRequestHeader.Upgrade));
            foreach ((string name, UpgradeNegotiator negotiator) in Negotiators.All)
            {
                UpgradeDecision decision = negotiator.Negotiate(request);
                if (decision.Outcome != UpgradeOutcome.Accept || decision.IsExtendedConnect)
                {
                    continue;
                }

                Interlocked.Increment(ref accepted);
                string upgrade = decision.Upgrade!;

                // RFC 2817 §3.3: a TLS 101 names the TLS offer, then the protocol spoken over it.
                if (decision.Registration!.Kind == UpgradeProtocolKind.Tls)
                {
                    Assert.EndsWith(", HTTP/1.1", upgrade, StringComparison.Ordinal);
                    upgrade = upgrade[..^", HTTP/1.1".Length];
                }

                // Protocol names and versions compare case-insensitively (RFC 9110 §7.8).
                Assert.True(offers.Contains(upgrade, StringComparer.OrdinalIgnoreCase), $"[{name}] 101 Upgrade: {decision.Upgrade}, but the client offered [{string.Join(" | ", offers)}]");
            }
        }, iter: Iterations);

        Assert.True(accepted > Iterations / 5, $"only {accepted} heads were accepted: the generator makes too few valid handshakes to test this");
    }

    [Fact]
    public void Negotiate_NeverThrows_AndEveryDecisionKeepsTheRules()
    {
        // Nothing is documented to escape Negotiate for a request; DecisionInvariants holds every rule of a decision.
        Heads.Any.Sample(head =>
        {
            RequestHead request = RequestHead.Parse(head.ToString());
            foreach ((string _, UpgradeNegotiator negotiator) in Negotiators.All)
            {
                DecisionInvariants.Check(request, negotiator, negotiator.Negotiate(request));
            }
        }, iter: Iterations);
    }

    [Fact]
    public void Rfc6455_4_2_2_TheAcceptKeyAlwaysVerifies()
    {
        int accepted = 0;
        Heads.Any.Sample(head =>
        {
            RequestHead request = RequestHead.Parse(head.ToString());
            foreach ((string name, UpgradeNegotiator negotiator) in Negotiators.All)
            {
                UpgradeDecision decision = negotiator.Negotiate(request);
                if (decision.Outcome != UpgradeOutcome.Accept || decision.Registration!.Kind != UpgradeProtocolKind.WebSocket || decision.IsExtendedConnect)
                {
                    Assert.False(decision.HasWebSocketAccept, $"[{name}] Sec-WebSocket-Accept outside a WebSocket 101");
                    continue;
                }

                Interlocked.Increment(ref accepted);

                // Computed here from the key as sent, independently of the library: base64(SHA-1(key + GUID)).
                string key = request.Lines(UpgradeRequestHeader.SecWebSocketKey).Single().Trim(' ', '\t');
                string expected = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
                Assert.Equal(expected, decision.GetWebSocketAccept());
                Assert.Contains(new KeyValuePair<string, string>("Sec-WebSocket-Accept", expected), decision.GetResponseHeaders());
            }
        }, iter: Iterations);

        Assert.True(accepted > Iterations / 20, $"only {accepted} WebSocket handshakes were accepted: the generator makes too few to test this");
    }

    [Fact]
    public void Rfc9110_5_3_TheOrderOfDifferentFields_AndOfLinesOfUnorderedFields_ChangesNothing()
    {
        Gen<(Head Head, int[] FieldOrder, int Seed)> permuted =
            from head in Heads.Any
            from order in Gen.Shuffle(Enumerable.Range(0, 32).ToArray())
            from seed in Gen.Int
            select (head, order, seed);

        permuted.Sample((head, order, seed) =>
        {
            RequestHead original = RequestHead.Parse(head.ToString());
            RequestHead reordered = RequestHead.Parse(head.Reordered(order, seed).ToString());
            foreach ((string name, UpgradeNegotiator negotiator) in Negotiators.All)
            {
                Assert.Equal(DecisionInvariants.Describe(negotiator.Negotiate(original)), DecisionInvariants.Describe(negotiator.Negotiate(reordered)));
            }
        }, iter: Iterations);
    }

    [Fact]
    public void PerMessageDeflate_GeneratedOffers_KeepTheHarnessRules()
        => Heads.ExtensionLines.Sample(lines => Harnesses.DeflateOffers(Encoding.Latin1.GetBytes(string.Join("\r\n", lines))), iter: Iterations);

    [Fact]
    public void Http2Settings_GeneratedValues_DecodeAsTheReferenceDoes()
        => Heads.Http2SettingsValue.Sample(value => Harnesses.Http2SettingsValue(Encoding.Latin1.GetBytes(value)), iter: Iterations);

    /// <summary>The elements of a token list, split by hand.</summary>
    private static List<string> Elements(IEnumerable<string> lines)
        => lines.SelectMany(line => line.Split(',')).Select(e => e.Trim(' ', '\t')).Where(e => e.Length > 0).ToList();
}

/// <summary>A request head as field lines in order, and the rewrites the properties apply to it.</summary>
internal sealed record Head(string Method, string Version, IReadOnlyList<KeyValuePair<string, string>> Lines)
{
    // RFC 9110 §5.3: the order of field lines with the same name is significant only where the field's definition makes
    // it so: the three lists below are in order of preference. Every other field the negotiator reads is a singleton
    // (a repeat is itself the fault) or a set (Connection options, Content-Length values, Expect, Transfer-Encoding).
    private static readonly HashSet<string> s_ordered = new(StringComparer.OrdinalIgnoreCase) { "Upgrade", "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions" };

    public override string ToString() => RequestHead.Format(Method, Version, Lines);

    /// <summary>
    /// The same head with its fields in another order (<paramref name="order"/> ranks the field names), the lines of each
    /// unordered field shuffled, and every name in a random letter case; the lines of an ordered field keep their order.
    /// </summary>
    public Head Reordered(int[] order, int seed)
    {
        var random = new Random(seed);
        var names = Lines.Select(l => l.Key).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var reordered = new List<KeyValuePair<string, string>>();
        foreach (string name in names.OrderBy(n => order[names.IndexOf(n) % order.Length]).ThenBy(n => names.IndexOf(n)))
        {
            var lines = Lines.Where(l => l.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).ToList();
            if (!s_ordered.Contains(name))
            {
                lines = [.. lines.OrderBy(_ => random.Next())];
            }

            reordered.AddRange(lines.Select(l => new KeyValuePair<string, string>(RandomCase(l.Key, random), l.Value)));
        }

        return this with { Lines = reordered };
    }

    private static string RandomCase(string name, Random random)
        => name.StartsWith(':') ? name : string.Concat(name.Select(c => random.Next(2) == 0 ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c)));
}

/// <summary>
/// Generators of request heads: a real handshake of each kind, then zero to four mutations. Values come from pools of
/// realistic and hostile ones (random tokens, empty list elements, quoted-strings, non-ASCII, huge lists).
/// </summary>
internal static class Heads
{
    private const string TokenChars = "abcxyzABCXYZ0129!#$%&'*+-.^_`|~";

    public static readonly Gen<string> RandomToken = Gen.Char[TokenChars].Array[1, 8].Select(chars => new string(chars));

    /// <summary>Characters a hostile value mixes in: separators, quotes, controls, non-ASCII.</summary>
    public static readonly Gen<string> Hostile = Gen.Char["\",;=/\\ \t\0\x7f\u00e9\u0131\u212a\u017f:[]@?{}()<>"].Array[1, 6].Select(chars => new string(chars));

    private static readonly Gen<string> Protocol = Gen.Frequency(
        (6, Gen.OneOf("websocket", "WebSocket", "echo", "ECHO", "x-raw", "TLS", "tls", "h2c", "H2C", "foo", "HTTP", "h2")),
        (2, RandomToken));

    private static readonly Gen<string> Version = Gen.OneOf("1", "2", "3", "13", "8", "1.0", "1.1", "1.2", "1.3", "2.0", "9");

    private static readonly Gen<string> Offer = Gen.Frequency(
        (6, Gen.Select(Protocol, Version, Gen.Int[0, 2], (name, version, form) => form == 0 ? name + "/" + version : name)),
        (1, Gen.Select(Protocol, Hostile, (name, junk) => name + junk)),
        (1, Gen.OneOf("", " ", "/1", "echo/", "\"websocket\"", "echo/1/2")));

    private static readonly Gen<string> SubProtocol = Gen.Frequency(
        (6, Gen.OneOf("chat.v1", "chat.v2", "legacy", "Chat.V1", "superchat")),
        (2, RandomToken),
        (1, Hostile));

    private static readonly Gen<string> WindowBits = Gen.OneOf("", "=9", "=10", "=12", "=15", "=8", "=16", "=09", "=\"10\"", "=\"1\\2\"", "=\"11", "= 11", "=-1");

    private static readonly Gen<string> DeflateParameter = Gen.Frequency(
        (4, Gen.Select(Gen.OneOf("server_max_window_bits", "client_max_window_bits"), WindowBits, (n, v) => n + v)),
        (3, Gen.OneOf("server_no_context_takeover", "client_no_context_takeover")),
        (1, Gen.Select(RandomToken, Gen.OneOf("", "=x", "=\"a,b\""), (n, v) => n + v)),
        (1, Hostile));

    private static readonly Gen<string> Extension = Gen.Frequency(
        (6, Gen.Select(Gen.OneOf("permessage-deflate", "permessage-deflate", "x-webkit-deflate-frame", "PerMessage-Deflate", "foo"), DeflateParameter.Array[0, 4], Gen.OneOf(";", "; ", " ; ", ";\t"),
            (name, parameters, separator) => string.Concat(parameters.Select(p => separator + p)).Insert(0, name))),
        (1, Hostile));

    private static readonly Gen<string> Separator = Gen.OneOf(",", ", ", " ,", ",\t", ",,", ", , ", " , ,");

    /// <summary>Field lines of <c>Sec-WebSocket-Extensions</c>: realistic offers, hostile ones, and several lines.</summary>
    public static readonly Gen<string[]> ExtensionLines = List(Extension).Array[1, 3];

    private static readonly string[] s_settings =
    [
        "AAMAAABkAAQCAAAAAAIAAAAA", "AAMAAABkAAQAAP__", "AAUAAEAAAAgAAAAB", "", " AAMAAABk ", "AAIAAAAC", "AAIAAAABAA==", "+/8=",
        "AAMAAABk=", "AAMAAABkAA", "AAUAAD__", "AAQAgAAAAAQAf____",
    ];

    /// <summary>HTTP2-Settings values: real ones, broken ones, and random base64url.</summary>
    public static readonly Gen<string> Http2SettingsValue = Gen.Frequency(
        (3, Gen.OneOf(s_settings)),
        (3, Gen.Byte.Array[0, 40].Select(bytes => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_'))),
        (1, Gen.Select(Gen.OneOf(s_settings), Hostile, Gen.Int[0, 24], (value, junk, at) => value.Insert(Math.Min(at, value.Length), junk))));

    private static readonly Gen<string> Key = Gen.Frequency(
        (8, Gen.Byte.Array[16].Select(bytes => Convert.ToBase64String(bytes))),
        (1, Gen.Byte.Array[0, 20].Select(bytes => Convert.ToBase64String(bytes))),
        (1, Gen.OneOf("dGhlIHNhbXBsZSBub25jZQ", " dGhlIHNhbXBsZSBub25jZQ== ", "dGhlIHNhbXBsZSBub25jZQ=!", "dGhlIHNhbXBsZS Bub25jZQ=")));

    private static readonly Gen<string> Origin = Gen.Frequency(
        (4, Gen.OneOf("http://server.example.com", "https://app.example.com", "https://app.example.com:8443", "http://localhost:5080", "http://[::1]:5080", "HTTP://SERVER.EXAMPLE.COM:80")),
        (1, Gen.OneOf("null", "http://evil.example", "http://server.example.com/path", "https://app.example.com, http://server.example.com")));

    private static readonly Gen<string> Host = Gen.Frequency(
        (6, Gen.OneOf("server.example.com", "server.example.com:80", "localhost:5080", "[::1]:5080", "app.example.com:8443")),
        (1, Gen.OneOf("", " ", "a b", "[::1", "host:99999")));

    private static readonly Gen<string> Connection = Gen.Frequency(
        (6, Gen.OneOf("Upgrade", "upgrade", "keep-alive, Upgrade", "Upgrade, HTTP2-Settings", ", UPGRADE ,")),
        (1, Gen.OneOf("close", "Upgrade2", "\"upgrade\"", "")));

    /// <summary>A token list of <paramref name="element"/>: usually short, sometimes huge, with odd separators.</summary>
    private static Gen<string> List(Gen<string> element) => Gen.Frequency(
        (9, Gen.Select(element.Array[1, 4], Separator, (elements, separator) => string.Join(separator, elements))),
        (1, Gen.Select(element.Array[20, 120], Separator, (elements, separator) => string.Join(separator, elements))));

    private static readonly Gen<Head> WebSocket =
        from version in Gen.Frequency((8, Gen.Const("13")), (2, Gen.Const("8")), (1, Gen.OneOf("7", "13, 8", " 13", "013")))
        from key in Key
        from host in Host
        from upgrade in Gen.OneOf("websocket", "WebSocket", "websocket, echo/1", "foo/1, websocket")
        from connection in Connection
        from origin in Origin.Null(0.4)
        from subProtocols in List(SubProtocol).Null(0.3)
        from extensions in ExtensionLines.Null(0.3)
        select new Head("GET", "HTTP/1.1",
        [
            new("Host", host), new("Upgrade", upgrade), new("Connection", connection), new("Sec-WebSocket-Key", key),
            new("Sec-WebSocket-Version", version),
            .. Optional("Origin", origin), .. Optional("Sec-WebSocket-Protocol", subProtocols),
            .. (extensions ?? []).Select(e => new KeyValuePair<string, string>("Sec-WebSocket-Extensions", e)),
        ]);

    private static readonly Gen<Head> Raw =
        from offers in List(Offer)
        from method in Gen.OneOf("GET", "GET", "POST", "OPTIONS")
        from host in Host
        from connection in Connection
        select new Head(method, "HTTP/1.1", [new("Host", host), new("Connection", connection), new("Upgrade", offers)]);

    private static readonly Gen<Head> Tls =
        from version in Gen.OneOf("TLS/1.0", "TLS/1.2", "TLS/1.3", "tls/1.1", "TLS", "TLS/2.0", "TLS/1.2, HTTP/1.1")
        from method in Gen.OneOf("OPTIONS", "GET", "POST")
        from scheme in Gen.OneOf("http", "https").Null(0.7)
        select new Head(method, "HTTP/1.1",
            [new("Host", "example.bank.com"), new("Upgrade", version), new("Connection", "Upgrade"), .. Optional(":scheme", scheme)]);

    private static readonly Gen<Head> H2c =
        from settings in Http2SettingsValue
        from method in Gen.OneOf("GET", "HEAD", "OPTIONS", "POST")
        from upgrade in Gen.OneOf("h2c", "H2C", "h2c/2", "h2, h2c", "h2c, websocket")
        select new Head(method, "HTTP/1.1",
            [new("Host", "localhost:5080"), new("Connection", "Upgrade, HTTP2-Settings"), new("Upgrade", upgrade), new("HTTP2-Settings", settings)]);

    private static readonly Gen<Head> ExtendedConnect =
        from protocol in Gen.OneOf("websocket", "echo/1", "x-raw", "h2c", "TLS/1.2", "foo", "websocket/13")
        from version in Gen.OneOf("HTTP/2", "HTTP/3")
        from origin in Origin.Null(0.5)
        from subProtocols in List(SubProtocol).Null(0.4)
        select new Head("CONNECT", version,
        [
            new(":protocol", protocol), new(":scheme", "https"), new("Host", "app.example.com:8443"), new("Sec-WebSocket-Version", "13"),
            .. Optional("Origin", origin), .. Optional("Sec-WebSocket-Protocol", subProtocols),
        ]);

    private static readonly string[] s_names =
    [
        "Host", "Connection", "Upgrade", "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions",
        "Origin", "Content-Length", "Transfer-Encoding", "Expect", ":scheme", ":protocol", "HTTP2-Settings", "User-Agent", "Accept",
    ];

    private static readonly Gen<string> AnyValue = Gen.Frequency(
        (2, Offer), (1, SubProtocol), (1, Extension), (1, Key), (1, Origin), (1, Host), (1, Connection), (1, Http2SettingsValue),
        (1, Gen.OneOf("0", "00", "5", "chunked", "100-continue", "https", "13")), (1, Hostile), (1, List(Offer)));

    /// <summary>One change to a head: what it does, where (an index into its lines) and with what.</summary>
    private enum Change
    {
        Drop,
        Duplicate,
        Replace,
        Add,
        SplitList,
        Method,
        HttpVersion,
    }

    private static readonly Gen<(Change Change, int At, string Name, string Value)> Mutation =
        Gen.Select(Gen.Enum<Change>(), Gen.Int[0, 15], Gen.OneOf(s_names), AnyValue);

    /// <summary>A real handshake of any kind, then up to four mutations.</summary>
    public static readonly Gen<Head> Any =
        from head in Gen.Frequency((4, WebSocket), (2, Raw), (1, Tls), (1, H2c), (1, ExtendedConnect))
        from mutations in Gen.Frequency((3, Mutation.Array[0]), (4, Mutation.Array[1, 4]))
        select mutations.Aggregate(head, Apply);

    private static Head Apply(Head head, (Change Change, int At, string Name, string Value) mutation)
    {
        var lines = head.Lines.ToList();
        int at = lines.Count == 0 ? 0 : mutation.At % lines.Count;
        switch (mutation.Change)
        {
            case Change.Drop when lines.Count > 0:
                lines.RemoveAt(at);
                break;
            case Change.Duplicate when lines.Count > 0:
                lines.Insert(at, lines[at]);
                break;
            case Change.Replace when lines.Count > 0:
                lines[at] = new(lines[at].Key, mutation.Value);
                break;
            case Change.SplitList when lines.Count > 0 && lines[at].Value.Contains(','):
                // RFC 9110 §5.3: a list may be sent as several field lines; this one splits at its first comma.
                string value = lines[at].Value;
                int comma = value.IndexOf(',');
                lines[at] = new(lines[at].Key, value[..comma]);
                lines.Insert(at + 1, new(lines[at].Key, value[(comma + 1)..]));
                break;
            case Change.Method:
                return head with { Method = mutation.Value.Length > 0 && mutation.At % 3 == 0 ? mutation.Value.Replace(" ", string.Empty) : new[] { "GET", "POST", "CONNECT", "get", "OPTIONS" }[mutation.At % 5] };
            case Change.HttpVersion:
                return head with { Version = new[] { "HTTP/1.1", "HTTP/1.0", "HTTP/2", "HTTP/3", "http/1.1", "HTTP/1.2" }[mutation.At % 6] };
            default:
                lines.Insert(at, new(mutation.Name, mutation.Value));
                break;
        }

        return head with { Lines = lines };
    }

    private static IEnumerable<KeyValuePair<string, string>> Optional(string name, string? value)
        => value is null ? [] : [new(name, value)];
}
