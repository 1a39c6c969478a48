using System;
using System.Buffers;
using System.Text;

namespace HttpUpgrade.AspNetCore.FastPath;

/// <summary>Why the fast path left a connection to Kestrel's HTTP engine (logged at Debug, and read by tests).</summary>
internal enum FastPathDecline
{
    /// <summary>The connection did not open with <c>GET /</c>: not a request the fast path serves.</summary>
    NotGet,

    /// <summary>The request line is not <c>GET origin-form HTTP/1.1</c> in the strict grammar (RFC 9112 §3).</summary>
    RequestLine,

    /// <summary>The path is not the literal route pattern of a <c>MapUpgrade</c> endpoint the fast path may serve.</summary>
    Path,

    /// <summary>A line ended in a bare LF, or a CR stood alone (RFC 9112 §2.2 lets a server accept a bare LF; this one leaves it to Kestrel).</summary>
    LineEnding,

    /// <summary>A field line continued on the next line (obs-fold, RFC 9112 §5.2).</summary>
    ObsFold,

    /// <summary>A field name or value holds a control character, a non-ASCII byte, or whitespace before the colon (RFC 9112 §5.1).</summary>
    FieldSyntax,

    /// <summary>Content, or framing that could announce it: <c>Transfer-Encoding</c>, a <c>Content-Length</c> other than one <c>0</c>, <c>Expect</c>.</summary>
    Framing,

    /// <summary>No <c>Host</c>, several, or one Kestrel might read differently (RFC 9112 §3.2).</summary>
    Host,

    /// <summary>Not an upgrade request (no <c>Upgrade</c> field), or one for a connection-level protocol this listener also serves (TLS, h2c).</summary>
    NotUpgrade,

    /// <summary>The head is larger than Kestrel's limits allow, or did not arrive in time, or the client stopped sending.</summary>
    Limits,
}

/// <summary>One field line of a head: where its name and value lie in <see cref="FastPathHead.Text"/>.</summary>
internal readonly record struct FastPathField(int Kind, int NameStart, int NameLength, int ValueStart, int ValueLength);

/// <summary>
/// A request head the fast path fully understood: its text (ASCII, widened to chars once, so the negotiator reads
/// spans of it without a string per field) and the positions of its parts. Parsing is stricter than Kestrel's: anything
/// this grammar does not accept is <see cref="FastPathDecline">declined</see> and left to Kestrel, which then decides.
/// </summary>
internal sealed class FastPathHead
{
    /// <summary><see cref="FastPathField.Kind"/> of a field the negotiator does not read.</summary>
    public const int OtherField = -1;

    private FastPathField[] _fields;
    private readonly int _fieldCount;

    private FastPathHead(char[] text, int pathLength, int queryLength, FastPathField[] fields, int fieldCount, int hostIndex)
    {
        Text = text;
        PathLength = pathLength;
        QueryLength = queryLength;
        _fields = fields;
        _fieldCount = fieldCount;
        HostIndex = hostIndex;
    }

    /// <summary>The whole head, request line to the blank line, at the start of an array rented from the shared pool.</summary>
    public char[] Text { get; private set; }

    /// <summary>Whether <see cref="Return"/> gave the text back: nothing may read the head after that.</summary>
    public bool IsReturned { get; private set; }

    /// <summary>The path starts at 4, after <c>GET </c>.</summary>
    public const int PathStart = 4;

    public int PathLength { get; }

    /// <summary>The query, <c>?</c> included; 0 when there is none.</summary>
    public int QueryLength { get; }

    public ReadOnlySpan<FastPathField> Fields => _fields.AsSpan(0, _fieldCount);

    public int HostIndex { get; }

    public ReadOnlySpan<char> Path => Text.AsSpan(PathStart, PathLength);

    public ReadOnlySpan<char> Query => Text.AsSpan(PathStart + PathLength, QueryLength);

    public string GetName(in FastPathField field) => new(Text, field.NameStart, field.NameLength);

    public string GetValue(in FastPathField field) => new(Text, field.ValueStart, field.ValueLength);

    public ReadOnlySpan<char> ValueOf(FastPathField field) => Text.AsSpan(field.ValueStart, field.ValueLength);

    /// <summary>
    /// Looks at the bytes read so far: true with the head's length when it is complete; false with
    /// <paramref name="decline"/> null when more bytes are needed, or set when the connection is not for the fast path.
    /// Only the request line is checked here, so a request for another path is let go as soon as its path is known.
    /// </summary>
    public static bool TryFindEnd(in ReadOnlySequence<byte> buffer, FastPathRoutes routes, int maxRequestLine, int maxHead, out int length, out FastPathRoute? route, out FastPathDecline? decline)
    {
        length = 0;
        route = null;
        decline = null;

        // Most heads arrive in one segment; a head split across segments (or reads) is copied once.
        ReadOnlySpan<byte> bytes = buffer.IsSingleSegment ? buffer.FirstSpan : buffer.Slice(0, Math.Min(buffer.Length, maxHead + 1)).ToArray();
        ReadOnlySpan<byte> get = "GET /"u8;
        int compared = Math.Min(bytes.Length, get.Length);
        if (!bytes.Slice(0, compared).SequenceEqual(get.Slice(0, compared)))
        {
            decline = FastPathDecline.NotGet;
            return false;
        }

        int lineEnd = bytes.Slice(0, Math.Min(bytes.Length, maxRequestLine)).IndexOf((byte)'\n');
        if (lineEnd < 0)
        {
            decline = bytes.Length >= maxRequestLine ? FastPathDecline.Limits : null;
            return false;
        }

        // RFC 9112 §3: GET SP origin-form SP HTTP/1.1 CRLF, and nothing looser.
        ReadOnlySpan<byte> version = " HTTP/1.1\r\n"u8;
        if (lineEnd + 1 < PathStart + 1 + version.Length || !bytes.Slice(lineEnd + 1 - version.Length, version.Length).SequenceEqual(version))
        {
            decline = FastPathDecline.RequestLine;
            return false;
        }

        ReadOnlySpan<byte> target = bytes.Slice(PathStart, lineEnd + 1 - version.Length - PathStart);
        int pathLength = target.IndexOf((byte)'?');
        pathLength = pathLength < 0 ? target.Length : pathLength;
        if (!IsOriginForm(target, pathLength))
        {
            decline = FastPathDecline.RequestLine;
            return false;
        }

        route = routes.Find(target.Slice(0, pathLength));
        if (route is null)
        {
            decline = FastPathDecline.Path;
            return false;
        }

        int end = bytes.IndexOf("\r\n\r\n"u8);
        if (end < 0 || end + 4 > maxHead)
        {
            decline = bytes.Length > maxHead ? FastPathDecline.Limits : null;
            return false;
        }

        length = end + 4;
        return true;
    }

    /// <summary>
    /// Parses a complete head (<see cref="TryFindEnd"/> said so), or says why it will not. The head's text is rented:
    /// its owner calls <see cref="Return"/> once the connection no longer needs it.
    /// </summary>
    public static FastPathHead? Parse(in ReadOnlySequence<byte> head, int maxFields, out FastPathDecline decline)
    {
        int length = (int)head.Length;
        char[] text = ArrayPool<char>.Shared.Rent(length);
        if (head.IsSingleSegment)
        {
            Encoding.Latin1.GetChars(head.FirstSpan, text);
        }
        else
        {
            Encoding.Latin1.GetChars(head.ToArray(), text);
        }

        FastPathHead? parsed = Parse(text, length, maxFields, out decline);
        if (parsed is null)
        {
            ArrayPool<char>.Shared.Return(text);
        }

        return parsed;
    }

    /// <summary>Gives the text and the fields back to the pool; reading the head afterwards throws.</summary>
    public void Return()
    {
        if (!IsReturned)
        {
            IsReturned = true;
            char[] text = Text;
            FastPathField[] fields = _fields;
            Text = [];
            _fields = [];
            ArrayPool<char>.Shared.Return(text);
            ArrayPool<FastPathField>.Shared.Return(fields);
        }
    }

    private static FastPathHead? Parse(char[] text, int length, int maxFields, out FastPathDecline decline)
    {
        ReadOnlySpan<char> span = text.AsSpan(0, length);
        int lineEnd = span.IndexOf('\n');
        int target = lineEnd - " HTTP/1.1\r".Length - PathStart;
        int pathLength = span.Slice(PathStart, target).IndexOf('?');
        int queryLength = pathLength < 0 ? 0 : target - pathLength;
        pathLength = pathLength < 0 ? target : pathLength;

        // Count the lines first, so the field array is rented once at its size.
        int count = span.Count('\n') - 2;
        if (count > maxFields)
        {
            decline = FastPathDecline.Limits;
            return null;
        }

        FastPathField[] fields = ArrayPool<FastPathField>.Shared.Rent(count);
        FastPathHead? head = ParseFields(text, span, fields, count, lineEnd, pathLength, queryLength, out decline);
        if (head is null)
        {
            ArrayPool<FastPathField>.Shared.Return(fields);
        }

        return head;
    }

    private static FastPathHead? ParseFields(
        char[] text, ReadOnlySpan<char> span, FastPathField[] fields, int count, int lineEnd, int pathLength, int queryLength, out FastPathDecline decline)
    {
        int hostIndex = -1;
        int position = lineEnd + 1;
        bool upgrade = false;
        for (int i = 0; i < count; i++)
        {
            int end = span.Slice(position).IndexOf('\n');
            if (end < 1 || span[position + end - 1] != '\r')
            {
                decline = FastPathDecline.LineEnding;
                return null;
            }

            ReadOnlySpan<char> line = span.Slice(position, end - 1);
            if (line.Length == 0 || line[0] is ' ' or '\t')
            {
                // An empty line before the end would be the end, so this is a continuation: obs-fold (RFC 9112 §5.2).
                decline = line.Length == 0 ? FastPathDecline.LineEnding : FastPathDecline.ObsFold;
                return null;
            }

            int colon = line.IndexOf(':');
            if (colon <= 0 || !IsToken(line.Slice(0, colon)))
            {
                // RFC 9112 §5.1: no whitespace between the name and the colon; a name is a token.
                decline = line.IndexOfAny('\r', '\n') >= 0 ? FastPathDecline.LineEnding : FastPathDecline.FieldSyntax;
                return null;
            }

            ReadOnlySpan<char> raw = line.Slice(colon + 1);
            int leading = raw.Length - raw.TrimStart(" \t").Length;
            ReadOnlySpan<char> value = raw.Trim(" \t");
            if (!IsFieldValue(value))
            {
                decline = value.IndexOfAny('\r', '\n') >= 0 ? FastPathDecline.LineEnding : FastPathDecline.FieldSyntax;
                return null;
            }

            ReadOnlySpan<char> name = line.Slice(0, colon);
            int kind = KindOf(name);
            var field = new FastPathField(kind, position, colon, position + colon + 1 + leading, value.Length);
            switch (kind)
            {
                case (int)UpgradeRequestHeader.TransferEncoding:
                case (int)UpgradeRequestHeader.Expect:
                    decline = FastPathDecline.Framing;
                    return null;
                case (int)UpgradeRequestHeader.ContentLength:
                    // RFC 9112 §6.3: only a single Content-Length: 0 says as plainly as none that nothing follows.
                    if (!value.SequenceEqual("0") || Contains(fields, i, kind))
                    {
                        decline = FastPathDecline.Framing;
                        return null;
                    }

                    break;
                case (int)UpgradeRequestHeader.Host:
                    if (hostIndex >= 0 || !IsHost(value))
                    {
                        decline = FastPathDecline.Host;
                        return null;
                    }

                    hostIndex = i;
                    break;
                case (int)UpgradeRequestHeader.Upgrade:
                    upgrade = true;
                    break;
                case (int)UpgradeRequestHeader.Http2Settings:
                    decline = FastPathDecline.NotUpgrade;
                    return null;
            }

            fields[i] = field;
            position += end + 1;
        }

        if (hostIndex < 0)
        {
            decline = FastPathDecline.Host;
            return null;
        }

        if (!upgrade)
        {
            decline = FastPathDecline.NotUpgrade;
            return null;
        }

        decline = default;
        return new FastPathHead(text, pathLength, queryLength, fields, count, hostIndex);
    }

    private static bool Contains(FastPathField[] fields, int count, int kind)
    {
        for (int i = 0; i < count; i++)
        {
            if (fields[i].Kind == kind)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// RFC 9112 §3.2.1 origin-form, narrowed: an absolute path of unreserved, sub-delims, <c>:</c> and <c>@</c>, and an
    /// optional query of those and <c>/</c> and <c>?</c>. No percent-encoding (Kestrel would decode it, and a literal
    /// route pattern matches the decoded path), no dot segments can match a literal route, and no fragment.
    /// </summary>
    private static bool IsOriginForm(ReadOnlySpan<byte> target, int pathLength)
    {
        for (int i = 0; i < target.Length; i++)
        {
            byte c = target[i];
            bool allowed = c is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')
                or (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~'
                or (byte)'!' or (byte)'$' or (byte)'&' or (byte)'\'' or (byte)'(' or (byte)')' or (byte)'*' or (byte)'+' or (byte)',' or (byte)';' or (byte)'='
                or (byte)':' or (byte)'@' or (byte)'/'
                || (c == (byte)'?' && i >= pathLength);
            if (!allowed)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>RFC 9110 §5.6.2: tchar.</summary>
    private static bool IsToken(ReadOnlySpan<char> name)
    {
        foreach (char c in name)
        {
            bool tchar = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
                or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';
            if (!tchar)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>RFC 9110 §5.5 field-value without obs-text: VCHAR, SP and HTAB only.</summary>
    private static bool IsFieldValue(ReadOnlySpan<char> value)
    {
        foreach (char c in value)
        {
            if (c is not ((>= '!' and <= '~') or ' ' or '\t'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// RFC 9110 §7.2 Host as the fast path accepts it: a registered name of letters, digits, <c>-</c>, <c>.</c>, <c>_</c>
    /// and <c>~</c>, or a bracketed IPv6 literal, with an optional port. Kestrel accepts all of these; others go to it.
    /// </summary>
    private static bool IsHost(ReadOnlySpan<char> host)
    {
        int portColon;
        if (host.Length > 0 && host[0] == '[')
        {
            int close = host.IndexOf(']');
            if (close < 3 || host.Slice(1, close - 1).ContainsAnyExcept("0123456789abcdefABCDEF:."))
            {
                return false;
            }

            portColon = close + 1 == host.Length ? -1 : close + 1;
            if (portColon > 0 && host[portColon] != ':')
            {
                return false;
            }
        }
        else
        {
            portColon = host.IndexOf(':');
            ReadOnlySpan<char> name = portColon < 0 ? host : host.Slice(0, portColon);
            if (name.IsEmpty || name.ContainsAnyExcept("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~"))
            {
                return false;
            }
        }

        if (portColon < 0)
        {
            return true;
        }

        ReadOnlySpan<char> port = host.Slice(portColon + 1);
        return port.Length is > 0 and <= 5 && !port.ContainsAnyExceptInRange('0', '9');
    }

    /// <summary>The negotiator's name for a field, or <see cref="OtherField"/>.</summary>
    private static int KindOf(ReadOnlySpan<char> name)
    {
        UpgradeRequestHeader? kind = name.Length switch
        {
            2 when name.Equals("TE", StringComparison.OrdinalIgnoreCase) => UpgradeRequestHeader.TE,
            4 when name.Equals("Host", StringComparison.OrdinalIgnoreCase) => UpgradeRequestHeader.Host,
            6 when name.Equals("Origin", StringComparison.OrdinalIgnoreCase) => UpgradeRequestHeader.Origin,
            6 when name.Equals("Expect", StringComparison.OrdinalIgnoreCase) => UpgradeRequestHeader.Expect,
            7 when name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase) => UpgradeRequestHeader.Upgrade,
            10 when name.Equals("Connection", StringComparison.OrdinalIgnoreCase) => UpgradeRequestHeader.Connection,
            10 when name.Equals("Keep-Alive", StringComparison.OrdinalIgnoreCase) => UpgradeRequestHeader.KeepAlive,
            14 when name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) => UpgradeRequestHeader.ContentLength,
            14 when name.Equals("HTTP2-Settings", StringComparison.OrdinalIgnoreCase) => UpgradeRequestHeader.Http2Settings,
            16 when name.Equals("Proxy-Connection", StringComparison.OrdinalIgnoreCase) => UpgradeRequestHeader.ProxyConnection,
            17 when name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) => UpgradeRequestHeader.TransferEncoding,
            17 when name.Equals("Sec-WebSocket-Key", StringComparison.OrdinalIgnoreCase) => UpgradeRequestHeader.SecWebSocketKey,
            21 when name.Equals("Sec-WebSocket-Version", StringComparison.OrdinalIgnoreCase) => UpgradeRequestHeader.SecWebSocketVersion,
            22 when name.Equals("Sec-WebSocket-Protocol", StringComparison.OrdinalIgnoreCase) => UpgradeRequestHeader.SecWebSocketProtocol,
            24 when name.Equals("Sec-WebSocket-Extensions", StringComparison.OrdinalIgnoreCase) => UpgradeRequestHeader.SecWebSocketExtensions,
            _ => null,
        };

        return kind is { } known ? (int)known : OtherField;
    }
}

/// <summary>The negotiator's view of a <see cref="FastPathHead"/>: a struct, so negotiating neither boxes nor copies.</summary>
internal readonly struct FastPathRequestView(FastPathHead head, bool https) : IUpgradeRequest
{
    public string Method => "GET";

    public UpgradeHttpVersion HttpVersion => UpgradeHttpVersion.Http11;

    public int GetFieldLineCount(UpgradeRequestHeader header)
    {
        if (header == UpgradeRequestHeader.Scheme)
        {
            return 1;
        }

        int count = 0;
        foreach (FastPathField field in head.Fields)
        {
            if (field.Kind == (int)header)
            {
                count++;
            }
        }

        return count;
    }

    public ReadOnlySpan<char> GetFieldLine(UpgradeRequestHeader header, int index)
    {
        if (header == UpgradeRequestHeader.Scheme)
        {
            return https ? "https" : "http";
        }

        foreach (FastPathField field in head.Fields)
        {
            if (field.Kind == (int)header && index-- == 0)
            {
                return head.ValueOf(field);
            }
        }

        throw new ArgumentOutOfRangeException(nameof(index));
    }
}
