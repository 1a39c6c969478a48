using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.WebSockets;
using HttpUpgrade.Fuzzing;
using HttpUpgrade.Testing;
using Xunit;
using Xunit.Abstractions;

namespace HttpUpgrade.Tests;

/// <summary>
/// The adversarial corpus (tests/Shared/Adversarial/cases.txt) against the negotiator in-process: every case with a
/// <c>negotiator:</c> expectation, read as a host that hands the negotiator whatever its parser let through would present
/// it (Latin-1, values untrimmed); and every growth case, timed at 1 KiB and 30 KiB. The same file runs against Kestrel
/// over raw sockets in tests/HttpUpgrade.AspNetCore.Tests (AdversarialSocketTests).
/// </summary>
public sealed class AdversarialCorpusTests(ITestOutputHelper output)
{
    // Any port: Host and Origin carry the same one, as a browser's page on the server would.
    private const string Port = "5080";

    private const int SmallSize = 1024;
    private const int LargeSize = 30 * 1024;

    // The registrations of the Kestrel runner's app (tests/HttpUpgrade.AspNetCore.Tests/TestHandlers.cs), in its
    // generated order, so both runners decide over the same protocols.
    private static readonly UpgradeRegistration[] AppRegistrations =
    [
        Registrations.Create("websocket", "13", "chat.v2, chat.v1, chat", "ChatHandler"),
        Registrations.Create("websocket", "13", "test.throws", "Handler0"),
        Registrations.Create("websocket", "13", "test.cancel", "Handler1"),
        Registrations.Create("websocket", "13", "test.report", "Handler2"),
        Registrations.Create("websocket", "13", "test.quick", "Handler3"),
        Registrations.Create("echo", "1", handler: "EchoHandler"),
        Registrations.Create("needs-service", handler: "PlainHandler"),
        Registrations.Create("whoami", "1", handler: "Version1"),
        Registrations.Create("park", "1", handler: "Version2"),
        Registrations.Create("boom", "1", handler: "AnyVersion"),
    ];

    // MapUpgrade("/ws") and MapUpgrade("/deflate", WebSocketDeflate on), as the Kestrel runner's app maps them.
    private static readonly UpgradeNegotiator WsEndpoint = new(new TestRegistry(AppRegistrations), new UpgradeNegotiatorOptions { RequireUpgrade = true });
    private static readonly UpgradeNegotiator DeflateEndpoint = new(
        new TestRegistry(AppRegistrations),
        new UpgradeNegotiatorOptions { RequireUpgrade = true, WebSocketDeflate = new WebSocketDeflateOptions() });

    // UseTlsUpgrade + UseH2cUpgrade: the listener's own negotiator, which ignores what it does not switch.
    private static readonly UpgradeNegotiator ConnectionListener = new(
        new TestRegistry(ConnectionUpgradeRegistration.Tls, ConnectionUpgradeRegistration.H2c),
        new UpgradeNegotiatorOptions { RequireUpgrade = false });

    public static TheoryData<string> NegotiatorCases => Names(c => c.Negotiator is not null);

    public static TheoryData<string> GrowthCases => Names(c => c.MaxGrowth > 0);

    [Fact]
    public void Corpus_HasTheShapesItPromises()
    {
        IReadOnlyList<AdversarialCase> cases = AdversarialCorpus.Cases;
        Assert.True(cases.Count >= 44, $"{cases.Count} cases");
        Assert.All(cases, c => Assert.Contains(c.DecidedBy, new[] { "kestrel", "negotiator", "adapter", "handler", "app" }));

        // Every header the negotiator reads gets a NUL, a control and a non-ASCII case.
        foreach (string header in new[] { "connection", "upgrade", "key", "version", "protocol", "extensions", "origin", "host", "http2-settings" })
        {
            foreach (string kind in new[] { "nul", "ctl", "utf8" })
            {
                Assert.Contains(cases, c => c.Name == $"{kind}-in-{header}");
            }
        }

        Assert.Contains(cases, c => c.Scenario == "TenThousandHalfOpen");
        Assert.Contains(cases, c => c.Scenario == "ShutdownMidNegotiation");
        Assert.True(cases.Count(c => c.MaxGrowth > 0) >= 6, "growth cases");
    }

    [Fact]
    public void Corpus_ReaderRefusesWhatItCannotRun()
    {
        // A case the runners could not check must break the build of the corpus, not pass silently.
        Assert.Throws<FormatException>(() => AdversarialCorpus.Parse(["[a]", "rule: r", "decided-by: negotiator", "send: x"]));
        Assert.Throws<FormatException>(() => AdversarialCorpus.Parse(["[a]", "rule: r", "decided-by: kestrel", "send: {nope}"]));
        Assert.Throws<FormatException>(() => AdversarialCorpus.Parse(["[a]", "rule: r", "decided-by: kestrel", "send: x", "expekt: 400"]));

        AdversarialCase parsed = AdversarialCorpus.Parse(["define d = \\x41", "[a]", "rule: r", "decided-by: kestrel", "send: {d}\\0{repeat 3 \"\\\"\"}{port}", "+ \\r\\n"])[0];
        Assert.Equal("A\0\"\"\"80\r\n"u8.ToArray(), parsed.Head("80"));
    }

    [Theory]
    [MemberData(nameof(NegotiatorCases))]
    public void Negotiator_AnswersAsTheCorpusSays(string name)
    {
        AdversarialCase c = AdversarialCorpus.Get(name);
        RequestHead head = RequestHead.Parse(c.Head(Port));
        UpgradeDecision decision = NegotiatorFor(c).Negotiate(head);
        output.WriteLine($"{c.Name}: {c.Rule}\n{decision}");

        string[] expected = c.Negotiator!.Split(' ', 2);
        if (expected[0] == "ignore")
        {
            Expect.Decision(c.Rule, decision, UpgradeOutcome.Ignore, 0, Enum.Parse<UpgradeReason>(expected[1]));
        }
        else if (expected[0] == "101")
        {
            Expect.Decision(c.Rule, decision, UpgradeOutcome.Accept, 101, UpgradeReason.None);
            Expect.Value(c.Rule, expected[1], decision.Upgrade, "Upgrade");
        }
        else
        {
            UpgradeReason reason = Enum.Parse<UpgradeReason>(expected[1]);
            Expect.Decision(c.Rule, decision, UpgradeOutcome.Reject, int.Parse(expected[0], System.Globalization.CultureInfo.InvariantCulture), reason);

            // A refusal of a request that asked to upgrade ends the connection; a request that never asked keeps it.
            bool askedToUpgrade = reason is not (UpgradeReason.NotAnUpgrade or UpgradeReason.NotHttp11);
            Assert.True(decision.CloseConnection == askedToUpgrade, $"{c.Rule}: CloseConnection is {decision.CloseConnection}");
        }

        if (c.DecidedBy == "negotiator")
        {
            // On the wire these fields come from this decision, so they are checked here too.
            IReadOnlyList<KeyValuePair<string, string>> fields = decision.GetResponseHeaders();
            foreach (string field in c.Fields)
            {
                string rendered = System.Text.Encoding.Latin1.GetString(c.Render(field, Port, c.Size));
                int colon = rendered.IndexOf(':', StringComparison.Ordinal);
                string[] values = fields.Where(f => f.Key.Equals(rendered[..colon], StringComparison.OrdinalIgnoreCase)).Select(f => f.Value).ToArray();
                Assert.True(values.Length == 1, $"{c.Rule}: expected one '{rendered[..colon]}', got {values.Length}");
                Assert.Equal(FieldValues.AsSet(rendered[(colon + 1)..]), FieldValues.AsSet(values[0]));
            }

            foreach (string absent in c.Absent)
            {
                Assert.DoesNotContain(fields, f => f.Key.Equals(absent, StringComparison.OrdinalIgnoreCase));
            }
        }
    }

    /// <summary>
    /// The time to negotiate grows linearly with the hostile field: at 30 KiB it must stay under the case's ratio (60 for
    /// 30 times the input) of the time at 1 KiB. Each size is the thread's CPU time, the minimum over several rounds, so
    /// a busy machine slows a round without changing the answer; a quadratic reader would be near 900.
    /// </summary>
    [Theory]
    [MemberData(nameof(GrowthCases))]
    public void Negotiation_GrowsLinearly(string name)
    {
        AdversarialCase c = AdversarialCorpus.Get(name);
        RequestHead small = RequestHead.Parse(c.Head(Port, SmallSize));
        RequestHead large = RequestHead.Parse(c.Head(Port, LargeSize));
        UpgradeNegotiator negotiator = NegotiatorFor(c);

        // Both sizes reach the same decision, so the same work is timed.
        Assert.Equal(negotiator.Negotiate(small).ToString(), negotiator.Negotiate(large).ToString());

        // Warm both up first, then alternate them round by round: the JIT promotes the code while the test runs (tiered
        // compilation, later still on a loaded machine), and alternating makes both sizes' best rounds run the same code.
        var warmUp = Stopwatch.StartNew();
        while (warmUp.ElapsedMilliseconds < 300)
        {
            Run(negotiator, small, 30);
            Run(negotiator, large, 1);
        }

        // Rounds of about 2 ms each: long enough for the clock, short enough that a busy machine spares some of them.
        int smallIterations = IterationsFor(Run(negotiator, small, 10));
        int largeIterations = IterationsFor(Run(negotiator, large, 1));
        double smallTicks = double.MaxValue;
        double largeTicks = double.MaxValue;
        for (int round = 0; round < 25; round++)
        {
            smallTicks = Math.Min(smallTicks, Run(negotiator, small, smallIterations));
            largeTicks = Math.Min(largeTicks, Run(negotiator, large, largeIterations));
        }

        double ratio = largeTicks / smallTicks;
        output.WriteLine($"{c.Name}: {smallTicks / 1000:F1} µs of CPU at 1 KiB, {largeTicks / 1000:F1} µs at 30 KiB, ratio {ratio:F1} (limit {c.MaxGrowth})");
        Assert.True(ratio < c.MaxGrowth, $"{c.Rule}: 30 KiB took {ratio:F1} times as long as 1 KiB (limit {c.MaxGrowth}).");
    }

    private static int IterationsFor(double nanosecondsPerCall) => (int)Math.Clamp(2_000_000 / nanosecondsPerCall, 1, 10_000);

    /// <summary>
    /// The mean CPU time of one negotiation over <paramref name="iterations"/> in a row, in nanoseconds: the thread's own
    /// CPU clock, so time spent preempted on a machine shared with many builds is not counted (a wall clock would charge a
    /// run longer than a scheduler slice for the other processes' turns).
    /// </summary>
    private static double Run(UpgradeNegotiator negotiator, RequestHead head, int iterations)
    {
        long start = ThreadCpuNanoseconds();
        for (int i = 0; i < iterations; i++)
        {
            negotiator.Negotiate(head);
        }

        return (double)(ThreadCpuNanoseconds() - start) / iterations;
    }

    private static long ThreadCpuNanoseconds()
    {
        // POSIX clock_gettime(CLOCK_THREAD_CPUTIME_ID): Linux, where the tests run (.ci/run).
        Assert.Equal(0, ClockGetTime(ThreadCpuTimeClock, out Timespec now));
        return (now.Seconds * 1_000_000_000) + now.Nanoseconds;
    }

    private const int ThreadCpuTimeClock = 3;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out Timespec time);

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    private static UpgradeNegotiator NegotiatorFor(AdversarialCase c)
    {
        if (c.Listener != "main")
        {
            return ConnectionListener;
        }

        string requestLine = System.Text.Encoding.Latin1.GetString(c.Head(Port)).Split('\n')[0];
        string target = requestLine.Split(' ')[1];
        return target.StartsWith("/deflate", StringComparison.Ordinal) ? DeflateEndpoint : WsEndpoint;
    }

    private static TheoryData<string> Names(Func<AdversarialCase, bool> predicate)
    {
        var names = new TheoryData<string>();
        foreach (AdversarialCase c in AdversarialCorpus.Cases.Where(predicate))
        {
            names.Add(c.Name);
        }

        return names;
    }
}
