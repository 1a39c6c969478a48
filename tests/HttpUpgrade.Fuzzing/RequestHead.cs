using System;
using System.Collections.Generic;
using System.Text;

namespace HttpUpgrade.Fuzzing;

/// <summary>
/// A request head read leniently from arbitrary bytes, as the negotiator's host would present it: a request line
/// (<c>METHOD target HTTP/x.y</c>), then field lines (<c>name: value</c>) up to the first empty line. Every field the
/// negotiator reads is found by name, case-insensitively; HTTP/2 pseudo-headers are written as lines <c>:scheme: https</c>
/// and <c>:protocol: websocket</c>. Anything else (unknown fields, lines without a colon, bytes after the head) is skipped,
/// so every input is some request.
/// </summary>
/// <remarks>
/// Bytes are read as Latin-1, one character each, which is how a host that accepts obs-text hands values over. An input
/// that starts with the UTF-8 byte order mark is read as UTF-8 instead, so that characters above U+00FF (and the
/// replacement character for broken sequences) reach the negotiator too. Values keep their leading and trailing
/// whitespace: the negotiator must cope with a host that does not trim.
/// </remarks>
public sealed class RequestHead : IUpgradeRequest
{
    private static readonly Dictionary<string, UpgradeRequestHeader> s_names = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Connection"] = UpgradeRequestHeader.Connection,
        ["Upgrade"] = UpgradeRequestHeader.Upgrade,
        ["Host"] = UpgradeRequestHeader.Host,
        ["Sec-WebSocket-Key"] = UpgradeRequestHeader.SecWebSocketKey,
        ["Sec-WebSocket-Version"] = UpgradeRequestHeader.SecWebSocketVersion,
        ["Sec-WebSocket-Protocol"] = UpgradeRequestHeader.SecWebSocketProtocol,
        ["Sec-WebSocket-Extensions"] = UpgradeRequestHeader.SecWebSocketExtensions,
        ["Origin"] = UpgradeRequestHeader.Origin,
        ["Content-Length"] = UpgradeRequestHeader.ContentLength,
        ["Transfer-Encoding"] = UpgradeRequestHeader.TransferEncoding,
        ["Expect"] = UpgradeRequestHeader.Expect,
        [":scheme"] = UpgradeRequestHeader.Scheme,
        [":protocol"] = UpgradeRequestHeader.Protocol,
        ["HTTP2-Settings"] = UpgradeRequestHeader.Http2Settings,
    };

    private static readonly byte[] s_utf8Preamble = [0xEF, 0xBB, 0xBF];

    private readonly List<string>[] _fields;

    private RequestHead(string method, UpgradeHttpVersion httpVersion, List<string>[] fields)
    {
        Method = method;
        HttpVersion = httpVersion;
        _fields = fields;
    }

    /// <inheritdoc />
    public string Method { get; }

    /// <inheritdoc />
    public UpgradeHttpVersion HttpVersion { get; }

    /// <summary>Every header the negotiator reads, as an <see cref="UpgradeRequestHeader"/> value.</summary>
    public static IReadOnlyCollection<UpgradeRequestHeader> KnownHeaders => s_names.Values;

    /// <summary>The field name a head uses for <paramref name="header"/>.</summary>
    public static string NameOf(UpgradeRequestHeader header)
    {
        foreach (KeyValuePair<string, UpgradeRequestHeader> pair in s_names)
        {
            if (pair.Value == header)
            {
                return pair.Key;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(header), header, "Not a header the negotiator reads.");
    }

    /// <summary>The field lines of <paramref name="header"/>, in order.</summary>
    public IReadOnlyList<string> Lines(UpgradeRequestHeader header) => _fields[(int)header];

    /// <inheritdoc />
    public int GetFieldLineCount(UpgradeRequestHeader header) => _fields[(int)header].Count;

    /// <inheritdoc />
    public ReadOnlySpan<char> GetFieldLine(UpgradeRequestHeader header, int index) => _fields[(int)header][index];

    /// <summary>Decodes fuzzer bytes: Latin-1, or UTF-8 after a byte order mark.</summary>
    public static string Decode(ReadOnlySpan<byte> data)
        => data.StartsWith(s_utf8Preamble) ? Encoding.UTF8.GetString(data.Slice(s_utf8Preamble.Length)) : Encoding.Latin1.GetString(data);

    /// <summary>Reads a head from fuzzer bytes.</summary>
    public static RequestHead Parse(ReadOnlySpan<byte> data) => Parse(Decode(data));

    /// <summary>Reads a head from text; lines end with LF, and a CR before it is dropped.</summary>
    public static RequestHead Parse(string text)
    {
        var fields = new List<string>[Enum.GetValues<UpgradeRequestHeader>().Length];
        for (int i = 0; i < fields.Length; i++)
        {
            fields[i] = [];
        }

        string method = string.Empty;
        UpgradeHttpVersion version = UpgradeHttpVersion.Unknown;
        bool requestLine = true;
        foreach (string rawLine in text.Split('\n'))
        {
            string line = rawLine.EndsWith('\r') ? rawLine[..^1] : rawLine;
            if (requestLine)
            {
                // RFC 9112 §3: request-line = method SP request-target SP HTTP-version.
                string[] parts = line.Split(' ');
                method = parts[0];
                version = parts.Length >= 3 ? VersionOf(parts[^1]) : UpgradeHttpVersion.Unknown;
                requestLine = false;
                continue;
            }

            if (line.Length == 0)
            {
                // The end of the head: what follows belongs to the request's content or the upgraded protocol.
                break;
            }

            // RFC 9112 §5: field-line = field-name ":" OWS field-value OWS. A pseudo-header's name starts with ':'.
            int colon = line.IndexOf(':', line.StartsWith(':') ? 1 : 0);
            if (colon <= 0 || !s_names.TryGetValue(line[..colon], out UpgradeRequestHeader header))
            {
                continue;
            }

            fields[(int)header].Add(line[(colon + 1)..]);
        }

        return new RequestHead(method, version, fields);
    }

    /// <summary>Writes a head in the form <see cref="Parse(string)"/> reads.</summary>
    public static string Format(string method, string version, IEnumerable<KeyValuePair<string, string>> fieldLines)
    {
        var text = new StringBuilder();
        text.Append(method).Append(" /chat ").Append(version).Append("\r\n");
        foreach ((string name, string value) in fieldLines)
        {
            text.Append(name).Append(':').Append(value).Append("\r\n");
        }

        return text.Append("\r\n").ToString();
    }

    /// <summary>RFC 9112 §2.3: HTTP-version is case-sensitive. HTTP/2 and HTTP/3 heads are written as the host reports them.</summary>
    private static UpgradeHttpVersion VersionOf(string version) => version switch
    {
        "HTTP/1.1" => UpgradeHttpVersion.Http11,
        "HTTP/1.0" => UpgradeHttpVersion.Http10,
        "HTTP/2" or "HTTP/2.0" => UpgradeHttpVersion.Http2,
        "HTTP/3" or "HTTP/3.0" => UpgradeHttpVersion.Http3,
        _ => UpgradeHttpVersion.Unknown,
    };
}
