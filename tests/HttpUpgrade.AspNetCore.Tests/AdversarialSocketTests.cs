using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;
using HttpUpgrade.Testing;
using Microsoft.Extensions.Logging;
using Xunit;
using Xunit.Abstractions;

namespace HttpUpgrade.AspNetCore.Tests;

/// <summary>
/// Every case of the adversarial corpus (tests/Shared/Adversarial/cases.txt) against real Kestrel over raw sockets:
/// the bytes go out exactly as written, the answer is read exactly as sent. After each case the server must still serve
/// an upgrade, and must have logged no Error unless the case names the server-side fault it expects.
/// </summary>
/// <remarks>
/// It runs alone, after the other classes: 10,000 half-open handshakes load the machine and the process's descriptors,
/// and would otherwise slow the timing-sensitive tests (keep-alive pings) that run beside it.
/// </remarks>
[Collection(nameof(AdversarialSocketTests))]
public sealed partial class AdversarialSocketTests(AdversarialServer server, ConnectionUpgradeFixture upgrades, ITestOutputHelper output)
    : IClassFixture<AdversarialServer>, IClassFixture<ConnectionUpgradeFixture>
{
    public static TheoryData<string> Cases
    {
        get
        {
            var names = new TheoryData<string>();
            foreach (AdversarialCase c in AdversarialCorpus.Cases)
            {
                names.Add(c.Name);
            }

            return names;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Kestrel_AnswersAsTheCorpusSays(string name)
    {
        AdversarialCase c = AdversarialCorpus.Get(name);
        output.WriteLine($"{c.Name} ({c.DecidedBy}): {c.Rule}");
        if (c.Scenario is not null)
        {
            await RunScenarioAsync(c);
            return;
        }

        (int port, RecordingLoggerProvider logs) = c.Listener switch
        {
            "upgrades" => (upgrades.Port, upgrades.Logs),
            "plain" => (upgrades.PlainPort, upgrades.Logs),
            _ => (server.Port, server.Logs),
        };
        int logged = logs.Entries.Count;
        int stopped = ConnectionsStopped(logs);
        string portText = port.ToString(CultureInfo.InvariantCulture);

        await using (RawConnection connection = await RawConnection.OpenAsync(port))
        {
            Task<RawResponseHead>? answer = null;
            foreach (Step step in c.Steps)
            {
                switch (step.Kind)
                {
                    case StepKind.Send:
                        await SendAsync(connection, c.Render(step.Text, portText, c.Size));
                        break;
                    case StepKind.Trickle:
                        answer = TrickleAsync(connection, c.Render(step.Text, portText, c.Size), step.DelayMilliseconds);
                        break;
                    case StepKind.Fin:
                        connection.ShutdownSend();
                        break;
                    case StepKind.Reset:
                        connection.Reset();
                        break;
                    case StepKind.Read:
                        answer = Task.FromResult(await connection.ReadHeadAsync());
                        break;
                }
            }

            if (!c.NoRead)
            {
                await CheckAnswerAsync(c, connection, answer, portText);
            }
        }

        await CheckLogsAsync(c, logs, logged);

        // The server survived: a fresh connection still upgrades (or, on the connection-upgrade listeners, is served).
        await AssertServesAsync(c.Listener == "main" ? server.Port : port, c.Listener == "main");

        // Both connections are over on the server's side too (it logs each end), so whatever it logged about the case's
        // connection, however late (a handler failing after a reset), is in the log checked now.
        DateTime deadline = DateTime.UtcNow.AddSeconds(10);
        while (ConnectionsStopped(logs) < stopped + 2)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{c.Name}: the server did not end both connections.");
            await Task.Delay(20);
        }

        await CheckLogsAsync(c, logs, logged);
    }

    /// <summary>Kestrel's Debug event for the end of a connection, one per connection.</summary>
    private static int ConnectionsStopped(RecordingLoggerProvider logs) => logs.Entries.Count(e => e.EventId.Name == "ConnectionStop");

    private async Task CheckAnswerAsync(AdversarialCase c, RawConnection connection, Task<RawResponseHead>? answer, string port)
    {
        if (c.Status is null)
        {
            byte[] rest = await ReadToEndOrResetAsync(connection);
            Assert.True(rest.Length == 0, $"{c.Rule}: expected the connection to close without a response, got:\n{Encoding.Latin1.GetString(rest)}");
            return;
        }

        RawResponseHead head;
        try
        {
            head = await (answer ?? connection.ReadHeadAsync());
        }
        catch (IOException exception) when (c.MayCloseWithoutResponse && exception is EndOfStreamException or { InnerException: SocketException } && connection.Remaining().Length == 0)
        {
            output.WriteLine("closed without a response");
            return;
        }

        output.WriteLine(head.Text);
        Assert.True(head.StatusCode == c.Status, $"{c.Rule}: expected {c.Status}, got:\n{head.Text}");

        // The layer the file names is the one that answered: Kestrel's own refusals carry no body and no Content-Type,
        // the endpoint's carry a one-line text/plain explanation.
        if (head.StatusCode >= 400)
        {
            string[] contentType = head.Values("Content-Type");
            bool fromEndpoint = contentType.SequenceEqual(["text/plain; charset=utf-8"]);
            Assert.True(
                c.DecidedBy == "kestrel" ? contentType.Length == 0 : fromEndpoint,
                $"{c.Rule}: the file says {c.DecidedBy} decides, but the answer's Content-Type is '{string.Join(", ", contentType)}'.");
        }
        foreach (string field in c.Fields)
        {
            string expected = Encoding.Latin1.GetString(c.Render(field, port, c.Size));
            int colon = expected.IndexOf(':', StringComparison.Ordinal);
            string[] values = head.Values(expected[..colon]);
            Assert.True(values.Length == 1, $"{c.Rule}: expected one '{expected[..colon]}' field line:\n{head.Text}");
            Assert.True(
                FieldValues.AsSet(expected[(colon + 1)..]).SequenceEqual(FieldValues.AsSet(values[0])),
                $"{c.Rule}: expected '{expected}', got '{values[0]}'.");
        }

        foreach (string absent in c.Absent)
        {
            Assert.True(head.Values(absent).Length == 0, $"{c.Rule}: '{absent}' must not be sent:\n{head.Text}");
        }

        if (head.StatusCode != 101 && head.Values("Content-Length").Length == 1)
        {
            await connection.ReadBodyAsync(head);
        }

        await CheckAfterAsync(c, connection, port);
    }

    private async Task CheckAfterAsync(AdversarialCase c, RawConnection connection, string port)
    {
        string after = c.After ?? string.Empty;
        if (after == "closed")
        {
            // Nothing more: no second response to bytes sent behind the head, then the end of the connection.
            byte[] rest = await ReadToEndOrResetAsync(connection);
            Assert.True(rest.Length == 0, $"{c.Rule}: expected the connection to end, got:\n{Encoding.Latin1.GetString(rest)}");
        }
        else if (after == "open")
        {
            string target = c.Listener == "main" ? "/ws" : "/who";
            await connection.SendAsync($"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            RawResponseHead next = await connection.ReadHeadAsync();
            Assert.Equal("HTTP/1.1", next.HttpVersion);
        }
        else if (after == "echo")
        {
            byte[] sent = c.Head(port);
            int end = sent.AsSpan().IndexOf("\r\n\r\n"u8) + 4;
            Assert.Equal(sent[end..], await connection.ReadExactlyAsync(sent.Length - end));
        }
        else if (after == "no-http")
        {
            byte[] rest = await ReadToEndOrResetAsync(connection);
            Assert.DoesNotContain("HTTP/1.", Encoding.Latin1.GetString(rest), StringComparison.Ordinal);
        }
        else if (after.StartsWith("ws-close ", StringComparison.Ordinal))
        {
            // RFC 6455 §5.5.1: an unmasked close frame whose payload starts with the status code.
            byte[] frame = await connection.ReadExactlyAsync(4);
            Assert.Equal(0x88, frame[0]);
            Assert.Equal(int.Parse(after[9..], CultureInfo.InvariantCulture), (frame[2] << 8) | frame[3]);
        }
        else if (after.StartsWith("bytes ", StringComparison.Ordinal))
        {
            byte[] expected = Convert.FromHexString(after[6..]);
            Assert.Equal(expected, await connection.ReadExactlyAsync(expected.Length));
        }
        else if (after.Length > 0)
        {
            Assert.Fail($"{c.Name}: unknown 'after: {after}'");
        }
    }

    /// <summary>No Error or Critical entry since <paramref name="from"/>, but the one event the case expects (awaited first).</summary>
    private static async Task CheckLogsAsync(AdversarialCase c, RecordingLoggerProvider logs, int from)
    {
        if (c.ErrorEvent is not null)
        {
            await logs.WaitForAsync(c.ErrorEvent, e => e.Level == LogLevel.Error);
        }

        LogEntry[] errors = logs.Entries.Skip(from).Where(e => e.Level >= LogLevel.Error && e.EventId.Name != c.ErrorEvent).ToArray();
        Assert.True(errors.Length == 0, $"{c.Rule}: the server logged {string.Join("\n", errors.Select(e => $"{e.Level} {e.Category} {e.EventId.Name}: {e.Message} {e.Exception}"))}");
    }

    /// <summary>A raw echo/1 upgrade on a new connection (main listener), or a plain GET /who (the others).</summary>
    private static async Task AssertServesAsync(int port, bool upgrade)
    {
        await using RawConnection probe = await RawConnection.OpenAsync(port);
        if (upgrade)
        {
            await probe.SendAsync("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: echo/1\r\n\r\n", "alive"u8.ToArray());
            Assert.Equal(101, (await probe.ReadHeadAsync()).StatusCode);
            Assert.Equal("alive"u8.ToArray(), await probe.ReadExactlyAsync(5));
        }
        else
        {
            await probe.SendAsync("GET /who HTTP/1.1\r\nHost: localhost\r\n\r\n");
            Assert.Equal(200, (await probe.ReadHeadAsync()).StatusCode);
        }
    }

    /// <summary>Writes the bytes; a server that already answered and closed may reset the rest, which is its right.</summary>
    private static async Task SendAsync(RawConnection connection, byte[] bytes)
    {
        try
        {
            await connection.SendAsync(bytes);
        }
        catch (IOException exception) when (exception.InnerException is SocketException)
        {
        }
    }

    /// <summary>Sends one byte at a time until the server answers; returns the answer's head.</summary>
    private static async Task<RawResponseHead> TrickleAsync(RawConnection connection, byte[] bytes, int delayMilliseconds)
    {
        Task<RawResponseHead> answer = connection.ReadHeadAsync();
        for (int i = 0; i < bytes.Length && !answer.IsCompleted; i++)
        {
            await SendAsync(connection, bytes.AsMemory(i, 1).ToArray());
            await Task.WhenAny(answer, Task.Delay(delayMilliseconds));
        }

        Assert.True(answer.IsCompleted, "The server waited for the whole trickled head.");
        return await answer;
    }

    /// <summary>What arrives until the server closes; a reset after the last byte counts as the end.</summary>
    private static async Task<byte[]> ReadToEndOrResetAsync(RawConnection connection)
    {
        try
        {
            return await connection.ReadToEndAsync();
        }
        catch (IOException exception) when (exception.InnerException is SocketException)
        {
            return connection.Remaining();
        }
    }
}

/// <summary>The adversarial corpus' collection: not run in parallel with any other.</summary>
[CollectionDefinition(nameof(AdversarialSocketTests), DisableParallelization = true)]
public sealed class AdversarialSocketCollection;
