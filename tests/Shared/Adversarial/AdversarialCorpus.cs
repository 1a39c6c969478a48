using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace HttpUpgrade.Testing;

/// <summary>
/// The adversarial corpus (tests/Shared/Adversarial/cases.txt): hostile requests, each with the outcome that is safe for
/// it, read by two runners: the in-process negotiator (tests/HttpUpgrade.Tests) and real Kestrel over raw sockets
/// (tests/HttpUpgrade.AspNetCore.Tests). docs/adversarial.md describes the format.
/// </summary>
internal static class AdversarialCorpus
{
    /// <summary>The file's name, copied next to each test assembly.</summary>
    public const string FileName = "cases.txt";

    private static readonly Lazy<IReadOnlyList<AdversarialCase>> s_cases = new(() => Parse(File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Adversarial", FileName))));

    /// <summary>Every case of the file, in file order.</summary>
    public static IReadOnlyList<AdversarialCase> Cases => s_cases.Value;

    /// <summary>The case named <paramref name="name"/>.</summary>
    public static AdversarialCase Get(string name) => Cases.Single(c => c.Name == name);

    /// <summary>Reads the corpus; a malformed file throws, naming the line, so a bad edit fails every runner at once.</summary>
    public static IReadOnlyList<AdversarialCase> Parse(IReadOnlyList<string> lines)
    {
        var macros = new Dictionary<string, string>(StringComparer.Ordinal);
        var cases = new List<AdversarialCase>();
        AdversarialCase? current = null;
        string? lastKey = null;
        for (int number = 1; number <= lines.Count; number++)
        {
            string line = lines[number - 1];
            string trimmed = line.Trim();
            try
            {
                if (trimmed.Length == 0 || trimmed.StartsWith('#'))
                {
                    continue;
                }

                if (trimmed.StartsWith("+ ", StringComparison.Ordinal) || trimmed == "+")
                {
                    // A continuation: the text after "+ " is appended to the previous value, so long heads read line by line.
                    string more = trimmed.Length > 2 ? trimmed[2..] : string.Empty;
                    if (current is null || lastKey != "send")
                    {
                        throw new FormatException("a '+' line continues a 'send:' value only");
                    }

                    current.Steps[^1] = current.Steps[^1] with { Text = current.Steps[^1].Text + more };
                    continue;
                }

                if (trimmed.StartsWith("define ", StringComparison.Ordinal))
                {
                    int equals = trimmed.IndexOf(" = ", StringComparison.Ordinal);
                    macros[trimmed[7..equals].Trim()] = trimmed[(equals + 3)..];
                    continue;
                }

                if (trimmed.StartsWith('[') && trimmed.EndsWith(']'))
                {
                    current = new AdversarialCase(trimmed[1..^1], macros);
                    if (cases.Any(c => c.Name == current.Name))
                    {
                        throw new FormatException($"case '{current.Name}' appears twice");
                    }

                    cases.Add(current);
                    lastKey = null;
                    continue;
                }

                if (current is null)
                {
                    throw new FormatException("a field outside a [case]");
                }

                int colon = trimmed.IndexOf(':');
                string key = colon < 0 ? trimmed : trimmed[..colon];
                string value = colon < 0 ? string.Empty : trimmed[(colon + 1)..].TrimStart();
                current.Set(key, value);
                lastKey = key;
            }
            catch (Exception exception) when (exception is FormatException or ArgumentException or IndexOutOfRangeException)
            {
                throw new FormatException($"{FileName} line {number}: {exception.Message}: {line}", exception);
            }
        }

        foreach (AdversarialCase c in cases)
        {
            c.Validate();
        }

        return cases;
    }
}

/// <summary>What the client does, in order.</summary>
internal enum StepKind
{
    /// <summary>Writes the bytes in one write.</summary>
    Send,

    /// <summary>Writes the bytes one at a time, <see cref="Step.DelayMilliseconds"/> apart, until the server closes.</summary>
    Trickle,

    /// <summary>Ends the client's side (TCP FIN).</summary>
    Fin,

    /// <summary>Resets the connection (TCP RST) and reads nothing.</summary>
    Reset,

    /// <summary>Reads the response head before the next step (the one the case's expectations apply to).</summary>
    Read,
}

/// <summary>One client action; <see cref="Text"/> is the byte notation of the file, rendered by <see cref="AdversarialCase.Render"/>.</summary>
internal sealed record Step(StepKind Kind, string Text, int DelayMilliseconds);

/// <summary>One hostile request and its safe outcome.</summary>
internal sealed class AdversarialCase(string name, IReadOnlyDictionary<string, string> macros)
{
    private readonly Dictionary<string, string> _macros = new(macros, StringComparer.Ordinal);

    public string Name { get; } = name;

    /// <summary>The rule the case checks, with its RFC section.</summary>
    public string Rule { get; private set; } = string.Empty;

    /// <summary>Which layer answers it on the wire: <c>kestrel</c>, <c>negotiator</c>, <c>adapter</c>, <c>handler</c>, <c>app</c>.</summary>
    public string DecidedBy { get; private set; } = string.Empty;

    /// <summary><c>main</c> (MapUpgrade endpoints, HTTP/1.1), <c>upgrades</c> (TLS and h2c upgrades) or <c>plain</c> (neither).</summary>
    public string Listener { get; private set; } = "main";

    public List<Step> Steps { get; } = [];

    /// <summary>A shape a byte script cannot express, run by code named after it.</summary>
    public string? Scenario { get; private set; }

    /// <summary>The status of the response on the wire; null when the connection must close without any response.</summary>
    public int? Status { get; private set; }

    /// <summary>Whether the connection may also close with no response at all instead of answering <see cref="Status"/>.</summary>
    public bool MayCloseWithoutResponse { get; private set; }

    /// <summary>Whether the case says nothing of the response because the client resets first.</summary>
    public bool NoRead { get; private set; }

    /// <summary><c>Name: value</c> fields the response carries, each on exactly one line, compared as lists.</summary>
    public List<string> Fields { get; } = [];

    /// <summary>Fields the response must not carry.</summary>
    public List<string> Absent { get; } = [];

    /// <summary>What follows the response: <c>closed</c>, <c>echo</c>, <c>open</c>, <c>no-http</c>, <c>ws-close N</c>.</summary>
    public string? After { get; private set; }

    /// <summary>The Error event the server must log (a server-side fault); otherwise no Error may be logged.</summary>
    public string? ErrorEvent { get; private set; }

    /// <summary>The in-process expectation: <c>101 Upgrade-value</c>, <c>STATUS Reason</c> or <c>ignore Reason</c>.</summary>
    public string? Negotiator { get; private set; }

    /// <summary>For <c>{scaled "unit"}</c>: how many bytes it fills on the wire.</summary>
    public int Size { get; private set; } = 1024;

    /// <summary>The largest allowed ratio of negotiation times at 30 KiB and at 1 KiB; 0 when not a growth case.</summary>
    public double MaxGrowth { get; private set; }

    public override string ToString() => Name;

    public void Set(string key, string value)
    {
        switch (key)
        {
            case "rule":
                Rule = value;
                break;
            case "decided-by":
                DecidedBy = value;
                break;
            case "listener":
                Listener = value is "main" or "upgrades" or "plain" ? value : throw new FormatException($"unknown listener '{value}'");
                break;
            case "send":
                Steps.Add(new Step(StepKind.Send, value, 0));
                break;
            case "trickle":
                int space = value.IndexOf(' ');
                Steps.Add(new Step(StepKind.Trickle, value[(space + 1)..], int.Parse(value[..space].TrimEnd('m', 's'), CultureInfo.InvariantCulture)));
                break;
            case "fin":
                Steps.Add(new Step(StepKind.Fin, string.Empty, 0));
                break;
            case "reset":
                Steps.Add(new Step(StepKind.Reset, string.Empty, 0));
                break;
            case "read":
                Steps.Add(new Step(StepKind.Read, string.Empty, 0));
                break;
            case "scenario":
                Scenario = value;
                break;
            case "expect":
                // "101 or none": a race the client starts (a FIN right behind the head) may go either way; both are safe.
                NoRead = value == "nothing";
                MayCloseWithoutResponse = value.EndsWith(" or none", StringComparison.Ordinal);
                value = MayCloseWithoutResponse ? value[..^8] : value;
                Status = value is "none" or "nothing" ? null : int.Parse(value, CultureInfo.InvariantCulture);
                break;
            case "fields":
                Fields.Add(value);
                break;
            case "absent":
                Absent.AddRange(value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
                break;
            case "after":
                After = value;
                break;
            case "log":
                ErrorEvent = value.StartsWith("error ", StringComparison.Ordinal) ? value[6..] : throw new FormatException("log: error EventName");
                break;
            case "negotiator":
                Negotiator = value;
                break;
            case "size":
                Size = int.Parse(value, CultureInfo.InvariantCulture);
                break;
            case "growth":
                MaxGrowth = double.Parse(value, CultureInfo.InvariantCulture);
                break;
            default:
                throw new FormatException($"unknown field '{key}'");
        }
    }

    public void Validate()
    {
        if (Rule.Length == 0 || DecidedBy.Length == 0)
        {
            throw new FormatException($"case '{Name}' needs 'rule:' and 'decided-by:'");
        }

        if (Scenario is null && Steps.Count == 0)
        {
            throw new FormatException($"case '{Name}' sends nothing");
        }

        if (DecidedBy == "negotiator" && Negotiator is null)
        {
            throw new FormatException($"case '{Name}' is decided by the negotiator, so it needs 'negotiator:'");
        }

        // Render once, so an unknown escape or generator fails when the file is read rather than when the case runs.
        _ = Head("0");
        if (MaxGrowth > 0 && !Steps.Any(s => s.Text.Contains("{scaled ", StringComparison.Ordinal)))
        {
            throw new FormatException($"growth case '{Name}' needs a {{scaled \"unit\"}} to grow");
        }
    }

    /// <summary>The head the client sends, as one byte string: every send and trickle, in order.</summary>
    public byte[] Head(string port, int? size = null)
        => Steps.Where(s => s.Kind is StepKind.Send or StepKind.Trickle).SelectMany(s => Render(s.Text, port, size ?? Size)).ToArray();

    /// <summary>
    /// Renders the byte notation: <c>\r \n \t \0 \\ \" \{ \xHH</c>; <c>{repeat N "text"}</c>; <c>{scaled "text"}</c>
    /// (text repeated to <paramref name="size"/> bytes); <c>{port}</c>; <c>{macro}</c> for a <c>define</c>. Each character
    /// is one byte (Latin-1), so <c>\xC3\xA9</c> is UTF-8 for é and <c>\xE9</c> is a lone Latin-1 byte.
    /// </summary>
    public byte[] Render(string text, string port, int size)
    {
        var output = new List<byte>(text.Length);
        RenderInto(text, port, size, output, depth: 0);
        return output.ToArray();
    }

    private void RenderInto(string text, string port, int size, List<byte> output, int depth)
    {
        if (depth > 8)
        {
            throw new FormatException("macros nest too deep");
        }

        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\\')
            {
                char next = text[++i];
                switch (next)
                {
                    case 'r': output.Add((byte)'\r'); break;
                    case 'n': output.Add((byte)'\n'); break;
                    case 't': output.Add((byte)'\t'); break;
                    case '0': output.Add(0); break;
                    case 'x':
                        output.Add(byte.Parse(text.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                        i += 2;
                        break;
                    case '\\' or '"' or '{' or '}': output.Add((byte)next); break;
                    default: throw new FormatException($"unknown escape '\\{next}' in case '{Name}'");
                }
            }
            else if (c == '{')
            {
                int close = FindClose(text, i);
                string inner = text[(i + 1)..close];
                i = close;
                if (inner.StartsWith("repeat ", StringComparison.Ordinal))
                {
                    int space = inner.IndexOf(' ', 7);
                    int count = int.Parse(inner.AsSpan(7, space - 7), NumberStyles.None, CultureInfo.InvariantCulture);
                    byte[] unit = Render(Unquote(inner[(space + 1)..]), port, size);
                    for (int n = 0; n < count; n++)
                    {
                        output.AddRange(unit);
                    }
                }
                else if (inner.StartsWith("scaled ", StringComparison.Ordinal))
                {
                    byte[] unit = Render(Unquote(inner[7..]), port, size);
                    for (int n = 0; n < Math.Max(1, size / unit.Length); n++)
                    {
                        output.AddRange(unit);
                    }
                }
                else if (inner == "port")
                {
                    output.AddRange(Encoding.ASCII.GetBytes(port));
                }
                else if (_macros.TryGetValue(inner, out string? macro))
                {
                    RenderInto(macro, port, size, output, depth + 1);
                }
                else
                {
                    throw new FormatException($"unknown generator '{{{inner}}}' in case '{Name}'");
                }
            }
            else
            {
                output.Add(c <= 0xFF ? (byte)c : throw new FormatException($"write '{c}' as \\x escapes in case '{Name}'"));
            }
        }
    }

    /// <summary>The index of the '}' that closes the generator at <paramref name="open"/>, skipping quoted text.</summary>
    private static int FindClose(string text, int open)
    {
        bool quoted = false;
        for (int i = open + 1; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == '"')
            {
                quoted = !quoted;
            }
            else if (text[i] == '}' && !quoted)
            {
                return i;
            }
        }

        throw new FormatException("an unclosed '{'");
    }

    private static string Unquote(string quoted)
    {
        quoted = quoted.Trim();
        return quoted.Length >= 2 && quoted[0] == '"' && quoted[^1] == '"' ? quoted[1..^1] : throw new FormatException($"expected \"text\", got {quoted}");
    }
}
