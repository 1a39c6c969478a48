using System;
using System.Buffers;
using System.Buffers.Text;
using System.Collections.Generic;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace HttpUpgrade.AspNetCore.FastPath;

/// <summary>
/// Writes an <see cref="UpgradeDecision"/> on the connection as Kestrel writes the same decision for <c>MapUpgrade</c>,
/// byte for byte but for the time in <c>Date</c>: the status line with the reason phrase Kestrel uses, Kestrel's own
/// <c>Date</c> and <c>Server</c>, and the decision's fields in the order Kestrel's response headers put them (the fields
/// it knows first, in its order; then the others as the decision lists them).
/// </summary>
internal static class FastPathResponse
{
    // Kestrel writes Content-Length, Connection, Content-Type, Date and Server first, then the other fields it knows
    // (Allow, Retry-After, Upgrade among the decision's), then unknown ones in the order they were added.
    private static readonly string[] s_first = ["Content-Length", "Connection", "Content-Type"];
    private static readonly string[] s_known = ["Allow", "Retry-After", "Upgrade"];

    /// <summary>Writes a 101: Connection, Date, Server, Upgrade, then the WebSocket fields. Nothing is allocated.</summary>
    public static void WriteSwitchingProtocols(PipeWriter output, in UpgradeDecision decision, bool server)
    {
        WriteStatusLine(output, decision.StatusCode);
        WriteConnection(output, decision);
        WriteDateAndServer(output, server);
        WriteField(output, "Upgrade", decision.Upgrade);
        if (decision.HasWebSocketAccept)
        {
            Span<char> accept = stackalloc char[UpgradeDecision.WebSocketAcceptLength];
            decision.TryCopyWebSocketAccept(accept);
            WriteField(output, "Sec-WebSocket-Accept", accept);
        }

        WriteField(output, "Sec-WebSocket-Protocol", decision.SubProtocol);
        if (decision.Deflate.IsNegotiated)
        {
            WriteField(output, "Sec-WebSocket-Extensions", decision.Deflate.ToHeaderValue());
        }

        WriteField(output, "Sec-WebSocket-Version", decision.SecWebSocketVersion);
        Write(output, "\r\n"u8);
    }

    /// <summary>Writes a refusal: its status, every field of <see cref="UpgradeDecision.ResponseFields"/>, and its body.</summary>
    public static void WriteRefusal(PipeWriter output, in UpgradeDecision decision, bool server)
    {
        WriteStatusLine(output, decision.StatusCode);
        var fields = new List<KeyValuePair<string, string>>(decision.ResponseFields);
        WriteNamed(output, fields, s_first);
        WriteDateAndServer(output, server);
        WriteNamed(output, fields, s_known);
        foreach (KeyValuePair<string, string> field in fields)
        {
            if (Array.IndexOf(s_first, field.Key) < 0 && Array.IndexOf(s_known, field.Key) < 0)
            {
                WriteField(output, field.Key, field.Value);
            }
        }

        Write(output, "\r\n"u8);
        Write(output, decision.Body.Span);
    }

    private static void WriteNamed(PipeWriter output, List<KeyValuePair<string, string>> fields, string[] names)
    {
        foreach (string name in names)
        {
            foreach (KeyValuePair<string, string> field in fields)
            {
                if (field.Key == name)
                {
                    WriteField(output, field.Key, field.Value);
                }
            }
        }
    }

    private static void WriteStatusLine(PipeWriter output, int statusCode)
    {
        Write(output, "HTTP/1.1 "u8);
        Span<byte> span = output.GetSpan(3);
        Utf8Formatter.TryFormat(statusCode, span, out int written);
        output.Advance(written);
        Write(output, " "u8);
        WriteAscii(output, ReasonPhrases.GetReasonPhrase(statusCode));
        Write(output, "\r\n"u8);
    }

    private static void WriteConnection(PipeWriter output, in UpgradeDecision decision)
    {
        string? connection = (decision.ConnectionUpgrade, decision.CloseConnection) switch
        {
            (true, true) => "Upgrade, close",
            (true, false) => "Upgrade",
            (false, true) => "close",
            _ => null,
        };
        WriteField(output, "Connection", connection);
    }

    private static void WriteDateAndServer(PipeWriter output, bool server)
    {
        Write(output, "Date: "u8);
        Write(output, FastPathDate.Current);
        Write(output, "\r\n"u8);
        if (server)
        {
            // Kestrel's default (KestrelServerOptions.AddServerHeader).
            Write(output, "Server: Kestrel\r\n"u8);
        }
    }

    private static void WriteField(PipeWriter output, string name, ReadOnlySpan<char> value)
    {
        WriteAscii(output, name);
        Write(output, ": "u8);
        WriteAscii(output, value);
        Write(output, "\r\n"u8);
    }

    private static void WriteField(PipeWriter output, string name, string? value)
    {
        if (value is not null)
        {
            WriteField(output, name, value.AsSpan());
        }
    }

    private static void WriteAscii(PipeWriter output, ReadOnlySpan<char> text)
    {
        // Kestrel writes response field values as Latin-1 (its default ResponseHeaderEncodingSelector); every value a
        // decision holds is ASCII, so both give the same bytes.
        Span<byte> span = output.GetSpan(text.Length);
        int written = Encoding.Latin1.GetBytes(text, span);
        output.Advance(written);
    }

    private static void Write(PipeWriter output, ReadOnlySpan<byte> bytes)
    {
        Span<byte> span = output.GetSpan(bytes.Length);
        bytes.CopyTo(span);
        output.Advance(bytes.Length);
    }
}

/// <summary>
/// The <c>Date</c> field value (RFC 9110 §6.6.1, IMF-fixdate), formatted once per second as Kestrel's own date cache
/// does, so a response costs no formatting.
/// </summary>
internal static class FastPathDate
{
    private static Entry s_current = new(long.MinValue, []);

    public static ReadOnlySpan<byte> Current
    {
        get
        {
            DateTimeOffset now = DateTimeOffset.UtcNow;
            long second = now.ToUnixTimeSeconds();
            Entry entry = s_current;
            if (entry.Second != second)
            {
                byte[] bytes = new byte[29];
                now.TryFormat(bytes, out _, "r", System.Globalization.CultureInfo.InvariantCulture);
                entry = new Entry(second, bytes);
                s_current = entry;
            }

            return entry.Bytes;
        }
    }

    private sealed record Entry(long Second, byte[] Bytes);
}
