using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using HttpUpgrade.Testing;
using Xunit;
using Xunit.Abstractions;

namespace HttpUpgrade.AspNetCore.Tests;

/// <summary>
/// RFC 6455 §4.2 and RFC 9110 §7.8 against real Kestrel over real sockets: each row names the rule it checks, the exact
/// request bytes, the status, the fields that must be there (with their values) and the fields that must not.
/// </summary>
public abstract class HandshakeConformanceCases(KestrelFixture server, ITestOutputHelper output)
{
    private const string Accept = "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
    private const string Key = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    private const string Head = "Host: 127.0.0.1:{port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n" + Key;
    private const string Chat = "Sec-WebSocket-Protocol: chat.v1\r\n";
    private const string AllRegistered = "Upgrade: websocket, echo/1, needs-service, whoami/1, park/1, boom/1";
    private const string PlainText = "Content-Type: text/plain; charset=utf-8";

    private static readonly string[] Switched = ["Connection: Upgrade", "Upgrade: websocket", Accept];
    private static readonly string[] NotSwitched = ["Sec-WebSocket-Accept", "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions"];

    public static IEnumerable<object[]> Rows =>
    [
        // Accepted handshakes: exactly the 101's fields, and nothing that is not agreed.
        Row("RFC 6455 §4.2.2: a valid handshake is 101 with the accept value and the chosen subprotocol",
            Get("/ws", Head + Chat), 101, [.. Switched, "Sec-WebSocket-Protocol: chat.v1"], ["Sec-WebSocket-Extensions", "Sec-WebSocket-Version", "Content-Length", "Transfer-Encoding", "Content-Type"]),
        Row("RFC 6455 §4.2.1 item 4: Connection is a list of options in any case",
            Get("/ws", Head.Replace("Connection: Upgrade", "Connection: keep-alive, UPGRADE", StringComparison.Ordinal) + Chat), 101, Switched, []),
        Row("RFC 9110 §5.3: Connection may span several field lines",
            Get("/ws", Head.Replace("Connection: Upgrade\r\n", "Connection: keep-alive\r\nConnection: upgrade\r\n", StringComparison.Ordinal) + Chat), 101, Switched, []),
        Row("RFC 6455 §4.2.1 item 3: the Upgrade token compares case-insensitively",
            Get("/ws", Head.Replace("Upgrade: websocket", "Upgrade: WebSocket", StringComparison.Ordinal) + Chat), 101, Switched, []),
        Row("RFC 9110 §5.3: Upgrade may span several field lines; the 101 names only the protocol switched to",
            Get("/ws", Head.Replace("Upgrade: websocket\r\n", "Upgrade: foo/1\r\nUpgrade: websocket\r\n", StringComparison.Ordinal) + Chat), 101, Switched, []),
        Row("RFC 6455 §4.2.2 item 5.4: empty list elements are skipped, never answered",
            Get("/ws", Head + "Sec-WebSocket-Protocol: , mqtt\r\nSec-WebSocket-Protocol: chat.v1,\r\n"), 101, [.. Switched, "Sec-WebSocket-Protocol: chat.v1"], []),
        Row("RFC 6455 §10.2: the page's own origin is allowed",
            Get("/ws", Head + Chat + "Origin: http://127.0.0.1:{port}\r\n"), 101, Switched, []),
        Row("RFC 9112 §6.2: Content-Length: 0 is no content",
            Get("/ws", Head + Chat + "Content-Length: 0\r\n"), 101, Switched, []),
        Row("UnmatchedSubProtocol = ServeWithoutSubProtocol: unknown subprotocols, served without one",
            Get("/fallback", Head + "Sec-WebSocket-Protocol: mqtt\r\n"), 101, Switched, ["Sec-WebSocket-Protocol"]),
        Row("AllowAnyOrigin: a cross-site page is let in",
            Get("/any-origin", Head + Chat + "Origin: https://evil.example\r\n"), 101, Switched, []),
        Row("RFC 7692 §7: Chrome's offer is accepted where compression is on",
            Get("/deflate", Head + Chat + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"), 101, [.. Switched, "Sec-WebSocket-Extensions: permessage-deflate"], []),
        Row("RFC 7692 §7.1.2: the server's smaller windows, never one the client did not offer",
            Get("/deflate-small", Head + Chat + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"), 101,
            [.. Switched, "Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; server_max_window_bits=10; client_max_window_bits=10"], []),
        Row("RFC 7692 §5: an offer with a window outside 9-15 is declined and the handshake goes on",
            Get("/deflate", Head + Chat + "Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=8\r\n"), 101, Switched, ["Sec-WebSocket-Extensions"]),
        Row("RFC 7692 §5: an offer with an unknown parameter is declined",
            Get("/deflate", Head + Chat + "Sec-WebSocket-Extensions: permessage-deflate; x=1\r\n"), 101, Switched, ["Sec-WebSocket-Extensions"]),
        Row("RFC 7692: compression is off by default",
            Get("/ws", Head + Chat + "Sec-WebSocket-Extensions: permessage-deflate\r\n"), 101, Switched, ["Sec-WebSocket-Extensions"]),
        Row("ForHandler: compression for the echo handler",
            Get("/deflate-echo-only", Head + Chat + "Sec-WebSocket-Extensions: permessage-deflate\r\n"), 101, [.. Switched, "Sec-WebSocket-Extensions: permessage-deflate"], []),
        Row("ForHandler: and not for another handler on the same endpoint",
            Get("/deflate-echo-only", Head + "Sec-WebSocket-Protocol: test.report\r\nSec-WebSocket-Extensions: permessage-deflate\r\n"), 101, Switched, ["Sec-WebSocket-Extensions"]),

        // Refused handshakes: the status and fields of each rule, and no switch.
        Row("RFC 6455 §4.1 item 2: POST is 405 with Allow: GET",
            Get("/ws", Head + Chat, method: "POST"), 405, ["Allow: GET", PlainText], ["Upgrade", .. NotSwitched]),
        Row("RFC 6455 §4.1 item 2: PUT is 405 with Allow: GET",
            Get("/ws", Head + Chat, method: "PUT"), 405, ["Allow: GET", PlainText], ["Upgrade", .. NotSwitched]),
        Row("RFC 9110 §7.8: HTTP/1.0 never upgrades; 426 lists the protocols",
            Get("/ws", Head + Chat, version: "HTTP/1.0"), 426, ["Connection: Upgrade", AllRegistered, PlainText], NotSwitched),
        Row("RFC 9112 §3.2: no Host is 400 (Kestrel answers before the endpoint)",
            Get("/ws", Head.Replace("Host: 127.0.0.1:{port}\r\n", "", StringComparison.Ordinal) + Chat), 400, [], ["Upgrade", .. NotSwitched]),
        Row("RFC 9112 §3.2: two Host field lines are 400 (Kestrel answers before the endpoint)",
            Get("/ws", Head + "Host: 127.0.0.1\r\n" + Chat), 400, [], ["Upgrade", .. NotSwitched]),
        Row("RFC 9110 §7.8: Upgrade without the upgrade connection option is 426",
            Get("/ws", Head.Replace("Connection: Upgrade", "Connection: keep-alive", StringComparison.Ordinal) + Chat), 426, ["Connection: Upgrade", AllRegistered, PlainText], NotSwitched),
        Row("RFC 9110 §7.8: Connection: upgrade without Upgrade is 426",
            Get("/ws", Head.Replace("Upgrade: websocket\r\n", "", StringComparison.Ordinal) + Chat), 426, ["Connection: Upgrade", AllRegistered, PlainText], NotSwitched),
        Row("RFC 6455 §4.1: 'websocket' takes no version in Upgrade",
            Get("/ws", Head.Replace("Upgrade: websocket", "Upgrade: websocket/13", StringComparison.Ordinal) + Chat), 426, ["Connection: Upgrade, close", AllRegistered, PlainText], NotSwitched),
        Row("RFC 6455 §4.2.1 item 5: a missing key is 400",
            Get("/ws", Head.Replace(Key, "", StringComparison.Ordinal) + Chat), 400, [PlainText], ["Upgrade", .. NotSwitched]),
        Row("RFC 6455 §4.1 item 7: a key that is not 16 bytes of base64 is 400",
            Get("/ws", Head.Replace(Key, "Sec-WebSocket-Key: c2hvcnQ=\r\n", StringComparison.Ordinal) + Chat), 400, [PlainText], ["Upgrade", .. NotSwitched]),
        Row("RFC 6455 §4.1 item 7: a base64url key is 400",
            Get("/ws", Head.Replace(Key, "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ-_\r\n", StringComparison.Ordinal) + Chat), 400, [PlainText], ["Upgrade", .. NotSwitched]),
        Row("RFC 6455 §11.3.1: Sec-WebSocket-Key on two field lines is 400",
            Get("/ws", Head + Key + Chat), 400, [PlainText], ["Upgrade", .. NotSwitched]),
        Row("RFC 6455 §11.3.1: Sec-WebSocket-Key as a list is 400",
            Get("/ws", Head.Replace(Key, "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==, dGhlIHNhbXBsZSBub25jZQ==\r\n", StringComparison.Ordinal) + Chat), 400, [PlainText], ["Upgrade", .. NotSwitched]),
        Row("RFC 6455 §4.2.1 item 6: a missing version is 426 listing every supported version",
            Get("/ws", Head.Replace("Sec-WebSocket-Version: 13\r\n", "", StringComparison.Ordinal) + Chat), 426,
            ["Connection: Upgrade, close", "Upgrade: websocket", "Sec-WebSocket-Version: 13", PlainText], NotSwitched),
        Row("RFC 6455 §4.4: an unsupported version is 426 listing every supported version",
            Get("/ws", Head.Replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8", StringComparison.Ordinal) + Chat), 426,
            ["Connection: Upgrade, close", "Upgrade: websocket", "Sec-WebSocket-Version: 13", PlainText], NotSwitched),
        Row("RFC 6455 §11.3.5: Sec-WebSocket-Version twice is 426",
            Get("/ws", Head + "Sec-WebSocket-Version: 13\r\n" + Chat), 426,
            ["Connection: Upgrade, close", "Upgrade: websocket", "Sec-WebSocket-Version: 13", PlainText], NotSwitched),
        Row("RFC 6455 §4.1: content on the handshake is 400 (Kestrel refuses an upgrade with a body)",
            Get("/ws", Head + Chat + "Content-Length: 5\r\n") + "hello", 400, [], ["Upgrade", .. NotSwitched]),
        Row("RFC 6455 §4.1: chunked content on the handshake is 400 (Kestrel refuses an upgrade with a body)",
            Get("/ws", Head + Chat + "Transfer-Encoding: chunked\r\n") + "0\r\n\r\n", 400, [], ["Upgrade", .. NotSwitched]),
        Row("RFC 9110 §10.1.1: Expect: 100-continue without content is met by the 101, with no 100 Continue before it",
            Get("/ws", Head + Chat + "Expect: 100-continue\r\n"), 101, Switched, []),
        Row("RFC 9110 §10.1.1: an unknown expectation is 417, and the refused upgrade closes the connection",
            Get("/ws", Head + Chat + "Expect: fly\r\n"), 417, ["Connection: close", PlainText], ["Upgrade", .. NotSwitched]),
        Row("RFC 6455 §10.2: a cross-site page's Origin is 403",
            Get("/ws", Head + Chat + "Origin: https://evil.example\r\n"), 403, [PlainText], ["Upgrade", .. NotSwitched]),
        Row("RFC 6454 §5: the same host on another scheme is another origin, 403",
            Get("/ws", Head + Chat + "Origin: https://127.0.0.1:{port}\r\n"), 403, [PlainText], ["Upgrade", .. NotSwitched]),
        Row("RFC 6454 §7.1: Origin: null is 403",
            Get("/ws", Head + Chat + "Origin: null\r\n"), 403, [PlainText], ["Upgrade", .. NotSwitched]),
        Row("RFC 6454 §7.2: two Origin field lines are 403",
            Get("/ws", Head + Chat + "Origin: http://127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\n"), 403, [PlainText], ["Upgrade", .. NotSwitched]),
        Row("AllowedOrigins add to the same origin: the request's own origin is still let in",
            Get("/rfc-example", Head + "Sec-WebSocket-Protocol: chat\r\nOrigin: http://127.0.0.1:{port}\r\n"), 101, Switched, []),
        Row("AllowSameOrigin = false: the request's own origin is refused when it is not listed",
            Get("/listed-only", Head + "Sec-WebSocket-Protocol: chat\r\nOrigin: http://127.0.0.1:{port}\r\n"), 403, [PlainText], ["Upgrade", .. NotSwitched]),
        Row("AllowSameOrigin = false: a listed origin is let in",
            Get("/listed-only", Head + "Sec-WebSocket-Protocol: chat\r\nOrigin: http://example.com\r\n"), 101, Switched, []),

        // Handlers chosen per endpoint: an endpoint serves, and advertises, only the handlers it names.
        Row("MapUpgrade<RawEchoHandler>: a WebSocket handshake is not served there, and the 426 lists only echo/1",
            Get("/echo-only", Head + Chat), 426, ["Connection: Upgrade, close", "Upgrade: echo/1", PlainText], NotSwitched),
        Row("MapUpgrade<RawEchoHandler>: its own protocol switches",
            Get("/echo-only", "Host: 127.0.0.1:{port}\r\nConnection: Upgrade\r\nUpgrade: echo/1\r\n"), 101, ["Connection: Upgrade", "Upgrade: echo/1"], NotSwitched),
        Row("MapUpgrade<EchoWebSocketHandler, RawEchoHandler>: the 426 lists both handlers' protocols and no other",
            Get("/chat-and-echo", "Host: 127.0.0.1:{port}\r\n"), 426, ["Connection: Upgrade", "Upgrade: websocket, echo/1", PlainText], NotSwitched),
        Row("MapUpgrade<EchoWebSocketHandler, RawEchoHandler>: a subprotocol only another handler speaks is not agreed",
            Get("/chat-and-echo", Head + "Sec-WebSocket-Protocol: test.throws\r\n"), 400, [PlainText], ["Upgrade", .. NotSwitched]),
        Row("Named options: the endpoint configured for \"/named\" reads one offer",
            Get("/named", Head.Replace("Upgrade: websocket", "Upgrade: foo/1, websocket", StringComparison.Ordinal) + Chat), 400, [PlainText], ["Upgrade", .. NotSwitched]),
        Row("UnmatchedSubProtocol = Reject (default): only unknown subprotocols is 400",
            Get("/ws", Head + "Sec-WebSocket-Protocol: mqtt, superchat\r\n"), 400, [PlainText], ["Upgrade", .. NotSwitched]),
        Row("UnmatchedSubProtocol = Reject (default): no subprotocol while every handler requires one is 400",
            Get("/ws", Head), 400, [PlainText], ["Upgrade", .. NotSwitched]),
        Row("RFC 6455 §4.1 item 10: a subprotocol that is not a token is 400",
            Get("/ws", Head + "Sec-WebSocket-Protocol: chat v1\r\n"), 400, [PlainText], ["Upgrade", .. NotSwitched]),
    ];

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Handshake(string rule, string request, int status, string[] present, string[] absent)
    {
        string port = server.Port.ToString(CultureInfo.InvariantCulture);
        await using RawConnection connection = await RawConnection.OpenAsync(server.Port);
        await connection.SendAsync(request.Replace("{port}", port, StringComparison.Ordinal));

        RawResponseHead head = await connection.ReadHeadAsync();
        output.WriteLine($"{rule}\n{head.Text}");
        Assert.True(status == head.StatusCode, $"{rule}: expected {status}, got:\n{head.Text}");
        foreach (string field in present)
        {
            AssertField(rule, head, field.Replace("{port}", port, StringComparison.Ordinal));
        }

        foreach (string name in absent)
        {
            Assert.True(head.Values(name).Length == 0, $"{rule}: '{name}' must not be sent:\n{head.Text}");
        }

        if (present.Contains(PlainText))
        {
            // The endpoint's own answer: a one-line explanation ending in a newline.
            string body = await connection.ReadBodyAsync(head);
            Assert.EndsWith("\n", body, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', body[..^1]);
        }
    }

    private static object[] Row(string rule, string request, int status, string[] present, string[] absent)
        => [rule, request, status, present, absent];

    private static string Get(string path, string fields, string method = "GET", string version = "HTTP/1.1")
        => $"{method} {path} {version}\r\n{fields}\r\n";

    /// <summary>
    /// The field appears on exactly one line, and its list elements are the expected ones (in any order);
    /// <c>Sec-WebSocket-Extensions</c> is compared as extensions with parameter sets (RFC 6455 §9.1, RFC 7692 §7).
    /// </summary>
    private static void AssertField(string rule, RawResponseHead head, string expected)
    {
        int colon = expected.IndexOf(':', StringComparison.Ordinal);
        string name = expected[..colon];
        string[] values = head.Values(name);
        Assert.True(values.Length == 1, $"{rule}: expected one '{name}' field line, got {values.Length}:\n{head.Text}");
        bool same = name.Equals("Sec-WebSocket-Extensions", StringComparison.OrdinalIgnoreCase)
            ? ExtensionList.Parse(expected[(colon + 1)..]).Equals(ExtensionList.Parse(values[0]))
            : FieldValues.AsSet(expected[(colon + 1)..]).SequenceEqual(FieldValues.AsSet(values[0]));
        Assert.True(same, $"{rule}: expected '{expected}', got '{name}: {values[0]}'.");
    }
}

/// <summary>The cases of <see cref="HandshakeConformanceCases"/> against <c>MapUpgrade</c>, served by Kestrel's HTTP engine.</summary>
public sealed class HandshakeConformanceTests(KestrelFixture server, ITestOutputHelper output) : HandshakeConformanceCases(server, output), IClassFixture<KestrelFixture>;

/// <summary>The cases of <see cref="HandshakeConformanceCases"/> on a listener with <c>UseUpgradeFastPath()</c>.</summary>
public sealed class HandshakeConformanceFastPathTests(FastPathKestrelFixture server, ITestOutputHelper output) : HandshakeConformanceCases(server, output), IClassFixture<FastPathKestrelFixture>;
