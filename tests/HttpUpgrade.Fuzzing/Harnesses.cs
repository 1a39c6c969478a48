using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.WebSockets;

using static HttpUpgrade.Fuzzing.Rule;

namespace HttpUpgrade.Fuzzing;

/// <summary>
/// One harness per target. Each takes arbitrary bytes, drives the library with them and checks the answer against the
/// RFC rules and against the naive implementations in <see cref="Reference"/>. An escaping exception is a finding:
/// nothing here throws on any input except for a broken rule (<see cref="InvariantViolationException"/>), and the only
/// exception the library may raise is <see cref="ArgumentException"/> where its documentation says so.
/// </summary>
public static class Harnesses
{
    /// <summary>The harnesses by name, as the program's first argument and the corpus folders name them.</summary>
    public static IReadOnlyDictionary<string, Action<byte[]>> All { get; } = new Dictionary<string, Action<byte[]>>(StringComparer.Ordinal)
    {
        ["headers"] = HeaderLists,
        ["negotiate"] = Negotiate,
        ["deflate"] = DeflateOffers,
        ["settings"] = Http2SettingsValue,
    };

    private const int MaxThrowingChecks = 16;

    private static readonly WebSocketDeflateOptions[] s_deflateServers =
    [
        new WebSocketDeflateOptions(),
        new WebSocketDeflateOptions { ServerMaxWindowBits = 12, ClientMaxWindowBits = 10 },
        new WebSocketDeflateOptions { ServerMaxWindowBits = 9, ClientMaxWindowBits = 9, ServerContextTakeover = false, ClientContextTakeover = false },
    ];

    /// <summary>
    /// The header-list readers (RFC 9110 §5.6.1) and the small grammars around them. Each input line is a field line of
    /// one list header; the library's elements must be exactly those of the naive splitter, with and without
    /// quoted-strings, and every reader built on them must agree with its naive twin.
    /// </summary>
    public static void HeaderLists(byte[] data)
    {
        string[] lines = Lines(RequestHead.Decode(data));
        var request = new FieldLines(lines);

        // RFC 9110 §5.6.1: elements in order across field lines, trimmed, empty ones skipped.
        AssertSame(Reference.Elements(lines), Enumerate(request, quotedStrings: false), "list elements");
        AssertSame(Reference.QuotedElements(lines), Enumerate(request, quotedStrings: true), "list elements with quoted-strings");

        List<string> elements = Reference.Elements(lines);
        Require(UpgradeHeaders.ConnectionHasUpgrade(request) == elements.Any(e => e.Equals("upgrade", StringComparison.OrdinalIgnoreCase)), "Connection: upgrade");

        foreach (int maxOffers in (ReadOnlySpan<int>)[1, 8, 64])
        {
            UpgradeListStatus status = UpgradeHeaders.ValidateUpgrade(request, maxOffers, out int count);
            (UpgradeListStatus expected, int expectedCount) = ValidateUpgrade(elements, EmptyElements(lines), maxOffers);
            Require(status == expected && count == expectedCount, $"Upgrade validation with {maxOffers} offers: {status}/{count}, expected {expected}/{expectedCount}");
        }

        foreach (string element in elements.Concat(lines))
        {
            bool parsed = UpgradeOffer.TryParse(element, out UpgradeOffer offer);
            bool expected = Reference.IsUpgradeOffer(element, out string name, out string? version);
            Require(parsed == expected, $"'{element}' as an Upgrade offer");
            Require(!parsed || (offer.Name.SequenceEqual(name) && offer.Version.SequenceEqual(version ?? string.Empty) && offer.HasVersion == version is not null), $"'{element}' split into name and version");
        }

        bool single = UpgradeHeaders.TryGetSingle(request, UpgradeRequestHeader.Host, out ReadOnlySpan<char> host);
        Require(single == (lines.Length == 1) && (!single || host.SequenceEqual(Reference.TrimOws(lines[0]))), "a single field line");
        Require(UpgradeHeaders.HasSingleHost(request) == (lines.Length == 1 && Reference.TrimOws(lines[0]).Length > 0), "a single non-empty Host");

        for (int i = 0; i < lines.Length; i++)
        {
            CheckGrammar(lines[i]);
            CheckQuotedStrings(lines[i]);

            // These two call APIs that throw for most inputs, as documented. An exception costs microseconds, so on an
            // input of tens of thousands of lines they alone outlasted the hang limit of a loaded machine: a few lines
            // per input check them as well.
            if (i < MaxThrowingChecks)
            {
                CheckOrigin(lines[i]);
                CheckKey(lines[i]);
            }
        }
    }

    /// <summary>
    /// The negotiator over an arbitrary request head (<see cref="RequestHead"/>), against every negotiator of
    /// <see cref="Negotiators"/>: it never throws, every decision keeps <see cref="DecisionInvariants"/>, the same head
    /// always gets the same answer, through a class or a struct view, and a host can refuse any accepted decision.
    /// </summary>
    public static void Negotiate(byte[] data)
    {
        RequestHead head = RequestHead.Parse(data);
        foreach ((string name, UpgradeNegotiator negotiator) in Negotiators.All)
        {
            UpgradeDecision decision = negotiator.Negotiate(head);
            try
            {
                DecisionInvariants.Check(head, negotiator, decision);
            }
            catch (InvariantViolationException violation)
            {
                throw new InvariantViolationException($"[{name}] {violation.Message}");
            }

            string described = DecisionInvariants.Describe(decision);
            Require(DecisionInvariants.Describe(negotiator.Negotiate(new HeadView(head))) == described, $"[{name}] a struct view of the head got another answer");
            Require(DecisionInvariants.Describe(negotiator.Negotiate(head)) == described, $"[{name}] the same head got another answer");

            if (decision.Outcome == UpgradeOutcome.Accept)
            {
                foreach (UpgradeReason reason in (ReadOnlySpan<UpgradeReason>)[UpgradeReason.HostCannotUpgrade, UpgradeReason.ShuttingDown, UpgradeReason.ConnectionLimitReached, UpgradeReason.HandlerUnavailable, UpgradeReason.SwitchFailed])
                {
                    UpgradeDecision refused = negotiator.Refuse(decision, reason);
                    Require(refused.Outcome == UpgradeOutcome.Reject && refused.Reason == reason && refused.Registration is null, $"[{name}] refusing with {reason}");
                    DecisionInvariants.Check(head, negotiator, refused);
                }
            }
        }
    }

    /// <summary>
    /// The permessage-deflate offer reader (RFC 7692 §5, §7): each input line is a field line of
    /// <c>Sec-WebSocket-Extensions</c>. Every element it reads as an offer is a well-formed one, and the answer under each
    /// server configuration keeps <see cref="DeflateInvariants"/>.
    /// </summary>
    public static void DeflateOffers(byte[] data)
    {
        string[] lines = Lines(RequestHead.Decode(data));
        foreach (string element in Reference.QuotedElements(lines))
        {
            if (PerMessageDeflate.TryReadOffer(element, out PerMessageDeflate.Offer offer))
            {
                DeflateInvariants.CheckOffer(element, offer);
            }
        }

        var request = new FieldLines(lines);
        foreach (WebSocketDeflateOptions server in s_deflateServers)
        {
            DeflateInvariants.CheckNegotiation(lines, server, PerMessageDeflate.Negotiate(request, server));
        }
    }

    /// <summary>
    /// The <c>HTTP2-Settings</c> decoder (RFC 7540 §3.2.1): the input is the field value. It must agree with a decoder
    /// built on <see cref="Convert"/> and a naive SETTINGS check, and a short destination may only make it fail.
    /// </summary>
    public static void Http2SettingsValue(byte[] data)
    {
        string value = RequestHead.Decode(data);
        byte[] payload = new byte[Http2Settings.MaxPayloadLength];
        bool decoded = Http2Settings.TryDecode(value, payload, out int length);

        byte[]? expected = Reference.DecodeBase64Url(value);
        bool valid = expected is not null && expected.Length <= Http2Settings.MaxPayloadLength && Reference.IsSettingsPayload(expected);
        Require(decoded == valid, $"'{Truncate(value)}' decoded: {decoded}, expected {valid}");
        Require(!decoded || payload.AsSpan(0, length).SequenceEqual(expected), $"'{Truncate(value)}' decoded to other bytes");
        Require(decoded || length == 0, "a failed decode reports a length");
        Require(Http2Settings.IsValid(value) == decoded, "IsValid disagrees with TryDecode");

        byte[] small = new byte[12];
        bool decodedSmall = Http2Settings.TryDecode(value, small, out int smallLength);
        Require(decodedSmall == (decoded && length <= small.Length), "a 12-byte destination");
        Require(!decodedSmall || small.AsSpan(0, smallLength).SequenceEqual(payload.AsSpan(0, length)), "a 12-byte destination decoded to other bytes");

        // The raw input as a payload, for the range checks alone.
        Require(Http2Settings.IsValidPayload(data) == (data.Length <= Http2Settings.MaxPayloadLength && Reference.IsSettingsPayload(data)), "the SETTINGS payload check");
    }

    /// <summary>Runs every harness over its folder of <paramref name="corpusRoot"/>; returns how many inputs each ran.</summary>
    /// <exception cref="InvalidOperationException">A harness failed on an input; the message names it.</exception>
    public static IReadOnlyDictionary<string, int> SelfTest(string corpusRoot)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach ((string name, Action<byte[]> harness) in All)
        {
            string folder = Path.Combine(corpusRoot, name);
            string[] files = Directory.Exists(folder) ? Directory.GetFiles(folder) : [];
            Array.Sort(files, StringComparer.Ordinal);
            foreach (string file in files)
            {
                try
                {
                    harness(File.ReadAllBytes(file));
                }
                catch (Exception exception)
                {
                    throw new InvalidOperationException($"The {name} harness failed on {Path.GetRelativePath(corpusRoot, file)}: {exception}", exception);
                }
            }

            counts[name] = files.Length;
        }

        return counts;
    }

    private static List<string> Enumerate(FieldLines request, bool quotedStrings)
    {
        var elements = new List<string>();
        foreach (ReadOnlySpan<char> element in new HeaderListEnumerator<FieldLines>(request, UpgradeRequestHeader.Upgrade, quotedStrings))
        {
            elements.Add(element.ToString());
        }

        return elements;
    }

    // RFC 9110 §5.6.1: the empty elements a reader skips: every part of a line that is only whitespace, except nothing at
    // all after the line's last comma (or an empty line), which ends the line rather than making an element.
    private static int EmptyElements(IReadOnlyList<string> lines)
    {
        int empty = 0;
        foreach (string line in lines)
        {
            string[] parts = line.Split(',');
            for (int i = 0; i < parts.Length; i++)
            {
                if (parts[i].Trim(' ', '\t').Length == 0 && !(parts[i].Length == 0 && i == parts.Length - 1))
                {
                    empty++;
                }
            }
        }

        return empty;
    }

    private static (UpgradeListStatus Status, int Count) ValidateUpgrade(List<string> elements, int emptyElements, int maxOffers)
    {
        int count = 0;
        foreach (string element in elements)
        {
            if (!Reference.IsUpgradeOffer(element, out _, out _))
            {
                return (UpgradeListStatus.Malformed, count);
            }

            if (++count > maxOffers)
            {
                return (UpgradeListStatus.TooMany, count);
            }
        }

        // RFC 9110 §5.6.1 asks for a "reasonable number" of empty elements: no more than offers are read.
        return (emptyElements > maxOffers ? UpgradeListStatus.TooMany : UpgradeListStatus.Valid, count);
    }

    /// <summary>RFC 9110 §5.6.2 and §5.6.3, against the naive twins.</summary>
    private static void CheckGrammar(string line)
    {
        bool token = HttpTokenGrammar.IsToken(line);
        Require(token == Reference.IsToken(line), $"'{Truncate(line)}' as a token");
        Require((HttpTokenGrammar.DescribeInvalidToken(line) is null) == token, $"'{Truncate(line)}' described as a token");
        int invalid = HttpTokenGrammar.IndexOfInvalidTokenChar(line);
        Require(invalid < 0 ? line.All(c => Reference.IsToken(c.ToString())) : !Reference.IsToken(line[invalid].ToString()) && Reference.IsToken(line[..invalid]) == (invalid > 0), $"the first invalid character of '{Truncate(line)}'");
        Require(HttpTokenGrammar.TrimWhitespace(line).SequenceEqual(Reference.TrimOws(line)), "OWS trimming");
    }

    /// <summary>RFC 9110 §5.6.4: every quote in the line, read as the start of a quoted-string.</summary>
    private static void CheckQuotedStrings(string line)
    {
        Span<char> small = stackalloc char[8];
        char[] large = new char[line.Length];
        for (int open = line.IndexOf('"'); open >= 0; open = line.IndexOf('"', open + 1))
        {
            int end = QuotedString.End(line, open);
            string? expected = Unescape(line, open, out int expectedEnd);
            Require(end == expectedEnd, $"the end of the quoted-string at {open} in '{Truncate(line)}'");

            int start = open;
            bool read = QuotedString.TryUnescape(line, ref start, large, out int length);
            Require(read == expected is not null && (!read || (start == end && large.AsSpan(0, length).SequenceEqual(expected))), $"the quoted-string at {open} in '{Truncate(line)}'");

            start = open;
            bool readSmall = QuotedString.TryUnescape(line, ref start, small, out int smallLength);
            Require(readSmall == (expected is not null && expected.Length <= small.Length) && smallLength <= small.Length, $"the quoted-string at {open} in '{Truncate(line)}' into 8 characters");
        }
    }

    private static string? Unescape(string line, int open, out int end)
    {
        var content = new System.Text.StringBuilder();
        for (int i = open + 1; i < line.Length; i++)
        {
            if (line[i] == '"')
            {
                end = i + 1;
                return content.ToString();
            }

            if (line[i] == '\\')
            {
                i++;
                if (i == line.Length)
                {
                    break;
                }
            }

            content.Append(line[i]);
        }

        end = -1;
        return null;
    }

    /// <summary>RFC 6454 §6.2 origins and RFC 9110 §7.2 authorities: a parse never throws and gives a port in range.</summary>
    private static void CheckOrigin(string line)
    {
        string trimmed = Reference.TrimOws(line);
        if (WebSocketOriginPolicy.TryParseOrigin(trimmed, out WebSocketOriginPolicy.OriginSpans origin))
        {
            Require(origin.Port is >= -1 and <= 65535 && !origin.Host.IsEmpty && !origin.Scheme.IsEmpty, $"the origin '{Truncate(trimmed)}'");
        }

        if (WebSocketOriginPolicy.TryParseAuthority(trimmed, 80, out ReadOnlySpan<char> host, out int port))
        {
            Require(port is >= 0 and <= 65535 && !host.IsEmpty, $"the authority '{Truncate(trimmed)}'");
        }

        // A configured origin is accepted only when it parses; otherwise the documented ArgumentException.
        try
        {
            WebSocketOriginPolicy policy = WebSocketOriginPolicy.AllowList([trimmed]);
            Require(policy.Origins.Count == 1, "an allow-list of one origin");
        }
        catch (ArgumentException)
        {
        }
    }

    /// <summary>RFC 6455 §4.1 keys and §4.2.2 accept values, against the naive twins.</summary>
    private static void CheckKey(string line)
    {
        bool valid = WebSocketHandshake.IsValidKey(line);
        Require(valid == Reference.IsWebSocketKey(line), $"'{Truncate(line)}' as a Sec-WebSocket-Key");
        try
        {
            string accept = WebSocketHandshake.ComputeAccept(line);
            Require(valid && accept == Reference.WebSocketAccept(line), $"the accept value for '{Truncate(line)}'");
        }
        catch (ArgumentException)
        {
            // Documented for an invalid key.
            Require(!valid, $"ComputeAccept refused the valid key '{line}'");
        }
    }

    private static string[] Lines(string text)
    {
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].EndsWith('\r'))
            {
                lines[i] = lines[i][..^1];
            }
        }

        return lines;
    }

    private static void AssertSame(List<string> expected, List<string> actual, string what)
        => Require(expected.SequenceEqual(actual, StringComparer.Ordinal), $"{what}: [{string.Join(" | ", actual.Select(Truncate))}], expected [{string.Join(" | ", expected.Select(Truncate))}]");

    private static string Truncate(string value) => value.Length <= 80 ? value : value[..80] + "…";


    /// <summary>The same field lines under every header: each reader sees the input as its own field.</summary>
    private readonly struct FieldLines(string[] lines) : IUpgradeRequest
    {
        public string Method => "GET";

        public UpgradeHttpVersion HttpVersion => UpgradeHttpVersion.Http11;

        public int GetFieldLineCount(UpgradeRequestHeader header) => lines.Length;

        public ReadOnlySpan<char> GetFieldLine(UpgradeRequestHeader header, int index) => lines[index];
    }

    /// <summary>A struct over a <see cref="RequestHead"/>, so the negotiator runs its value-type path too.</summary>
    private readonly struct HeadView(RequestHead head) : IUpgradeRequest
    {
        public string Method => head.Method;

        public UpgradeHttpVersion HttpVersion => head.HttpVersion;

        public int GetFieldLineCount(UpgradeRequestHeader header) => head.GetFieldLineCount(header);

        public ReadOnlySpan<char> GetFieldLine(UpgradeRequestHeader header, int index) => head.GetFieldLine(header, index);
    }
}
