using System;
using BenchmarkDotNet.Attributes;

namespace HttpUpgrade.Generators.Benchmarks;

/// <summary>
/// The two shapes the generated <c>Match(name)</c> can take after its <c>switch (name.Length)</c>, measured on the same
/// registries: each letter compared with its ASCII case bit set, <c>(name[i] | 0x20) == 'w'</c> (<c>OrChain</c>), against
/// <c>name.Equals("websocket", StringComparison.OrdinalIgnoreCase)</c> (<c>OrdinalIgnoreCase</c>). Both are exact for
/// RFC 9110 tokens. Each operation is one lookup; every invocation makes eight, cycling through the names of the case.
/// </summary>
/// <remarks>
/// The matchers below are written as the generator writes them (the length switch, one test per name of that length, a
/// span over the rows), so that only the comparison differs.
/// </remarks>
public class MatcherBenchmarks
{
    private const int LookupsPerInvoke = 8;

    private string[] _names = Array.Empty<string>();

    /// <summary>The registry: <c>websocket</c> and <c>echo</c>, or eight names where two and three share a length.</summary>
    public enum Registry
    {
        TwoNames,
        EightNames,
    }

    /// <summary>What the names looked up are.</summary>
    public enum Lookup
    {
        /// <summary>Registered names as registered.</summary>
        Hit,

        /// <summary>Registered names in another letter case (<c>WebSocket</c>, <c>ECHO</c>).</summary>
        CaseVariantHit,

        /// <summary>Names with a registered length that differ in their last character: every candidate is compared in full.</summary>
        SameLengthMiss,
    }

    [Params(Registry.TwoNames, Registry.EightNames)]
    public Registry Names { get; set; }

    [Params(Lookup.Hit, Lookup.CaseVariantHit, Lookup.SameLengthMiss)]
    public Lookup Kind { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        string[] names = (Names, Kind) switch
        {
            (Registry.TwoNames, Lookup.Hit) => ["websocket", "echo"],
            (Registry.TwoNames, Lookup.CaseVariantHit) => ["WebSocket", "ECHO"],
            (Registry.TwoNames, Lookup.SameLengthMiss) => ["websockex", "echx"],
            (Registry.EightNames, Lookup.Hit) => ["websocket", "echo", "tls", "h2c", "http", "connect-udp", "connect-ip", "mqtt"],
            (Registry.EightNames, Lookup.CaseVariantHit) => ["WebSocket", "ECHO", "TLS", "H2C", "HTTP", "Connect-UDP", "CONNECT-IP", "Mqtt"],
            _ => ["websockex", "echx", "tlx", "h2x", "httx", "connect-udx", "connect-ix", "mqtx"],
        };

        _names = new string[LookupsPerInvoke];
        for (int i = 0; i < _names.Length; i++)
        {
            _names[i] = names[i % names.Length];
        }

        // Each case must measure what its name says: both shapes agree, and hits find a row while misses find none.
        foreach (string name in _names)
        {
            int chain = Match(name, orChain: true);
            int ignoreCase = Match(name, orChain: false);
            if (chain != ignoreCase || (chain == 0) != (Kind == Lookup.SameLengthMiss))
            {
                throw new InvalidOperationException($"'{name}': OrChain found {chain} rows, OrdinalIgnoreCase {ignoreCase}.");
            }
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = LookupsPerInvoke)]
    public int OrChain() => Names == Registry.TwoNames ? LookUpAll(_names, TwoNamesOrChain.Match) : LookUpAll(_names, EightNamesOrChain.Match);

    [Benchmark(OperationsPerInvoke = LookupsPerInvoke)]
    public int OrdinalIgnoreCase() => Names == Registry.TwoNames
        ? LookUpAll(_names, TwoNamesOrdinalIgnoreCase.Match)
        : LookUpAll(_names, EightNamesOrdinalIgnoreCase.Match);

    private int Match(string name, bool orChain) => (Names, orChain) switch
    {
        (Registry.TwoNames, true) => TwoNamesOrChain.Match(name).Length,
        (Registry.TwoNames, false) => TwoNamesOrdinalIgnoreCase.Match(name).Length,
        (_, true) => EightNamesOrChain.Match(name).Length,
        _ => EightNamesOrdinalIgnoreCase.Match(name).Length,
    };

    // The negotiator calls Match through IUpgradeRegistry, so it is never inlined; a delegate (C# caches the conversion of a
    // static method group) gives both shapes the same indirect call.
    private static int LookUpAll(string[] names, MatchFunc match)
    {
        int found = 0;
        foreach (string name in names)
        {
            found += match(name).Length;
        }

        return found;
    }

    private delegate ReadOnlySpan<object> MatchFunc(ReadOnlySpan<char> name);

    private static class Rows
    {
        public static readonly object[] Two = [new object(), new object()];
        public static readonly object[] Eight = [new object(), new object(), new object(), new object(), new object(), new object(), new object(), new object()];
    }

    private static class TwoNamesOrChain
    {
        public static ReadOnlySpan<object> Match(ReadOnlySpan<char> name)
        {
            switch (name.Length)
            {
                case 4:
                    // echo
                    if ((name[0] | 0x20) == 'e' && (name[1] | 0x20) == 'c' && (name[2] | 0x20) == 'h' && (name[3] | 0x20) == 'o')
                    {
                        return new ReadOnlySpan<object>(Rows.Two, 0, 1);
                    }

                    break;
                case 9:
                    // websocket
                    if ((name[0] | 0x20) == 'w' && (name[1] | 0x20) == 'e' && (name[2] | 0x20) == 'b' && (name[3] | 0x20) == 's'
                        && (name[4] | 0x20) == 'o' && (name[5] | 0x20) == 'c' && (name[6] | 0x20) == 'k' && (name[7] | 0x20) == 'e'
                        && (name[8] | 0x20) == 't')
                    {
                        return new ReadOnlySpan<object>(Rows.Two, 1, 1);
                    }

                    break;
            }

            return default;
        }
    }

    private static class TwoNamesOrdinalIgnoreCase
    {
        public static ReadOnlySpan<object> Match(ReadOnlySpan<char> name)
        {
            switch (name.Length)
            {
                case 4:
                    if (name.Equals("echo", StringComparison.OrdinalIgnoreCase))
                    {
                        return new ReadOnlySpan<object>(Rows.Two, 0, 1);
                    }

                    break;
                case 9:
                    if (name.Equals("websocket", StringComparison.OrdinalIgnoreCase))
                    {
                        return new ReadOnlySpan<object>(Rows.Two, 1, 1);
                    }

                    break;
            }

            return default;
        }
    }

    private static class EightNamesOrChain
    {
        public static ReadOnlySpan<object> Match(ReadOnlySpan<char> name)
        {
            switch (name.Length)
            {
                case 3:
                    // h2c
                    if ((name[0] | 0x20) == 'h' && name[1] == '2' && (name[2] | 0x20) == 'c')
                    {
                        return new ReadOnlySpan<object>(Rows.Eight, 2, 1);
                    }

                    // tls
                    if ((name[0] | 0x20) == 't' && (name[1] | 0x20) == 'l' && (name[2] | 0x20) == 's')
                    {
                        return new ReadOnlySpan<object>(Rows.Eight, 5, 1);
                    }

                    break;
                case 4:
                    // echo
                    if ((name[0] | 0x20) == 'e' && (name[1] | 0x20) == 'c' && (name[2] | 0x20) == 'h' && (name[3] | 0x20) == 'o')
                    {
                        return new ReadOnlySpan<object>(Rows.Eight, 1, 1);
                    }

                    // http
                    if ((name[0] | 0x20) == 'h' && (name[1] | 0x20) == 't' && (name[2] | 0x20) == 't' && (name[3] | 0x20) == 'p')
                    {
                        return new ReadOnlySpan<object>(Rows.Eight, 3, 1);
                    }

                    // mqtt
                    if ((name[0] | 0x20) == 'm' && (name[1] | 0x20) == 'q' && (name[2] | 0x20) == 't' && (name[3] | 0x20) == 't')
                    {
                        return new ReadOnlySpan<object>(Rows.Eight, 4, 1);
                    }

                    break;
                case 9:
                    // websocket
                    if ((name[0] | 0x20) == 'w' && (name[1] | 0x20) == 'e' && (name[2] | 0x20) == 'b' && (name[3] | 0x20) == 's'
                        && (name[4] | 0x20) == 'o' && (name[5] | 0x20) == 'c' && (name[6] | 0x20) == 'k' && (name[7] | 0x20) == 'e'
                        && (name[8] | 0x20) == 't')
                    {
                        return new ReadOnlySpan<object>(Rows.Eight, 7, 1);
                    }

                    break;
                case 10:
                    // connect-ip
                    if ((name[0] | 0x20) == 'c' && (name[1] | 0x20) == 'o' && (name[2] | 0x20) == 'n' && (name[3] | 0x20) == 'n'
                        && (name[4] | 0x20) == 'e' && (name[5] | 0x20) == 'c' && (name[6] | 0x20) == 't' && name[7] == '-'
                        && (name[8] | 0x20) == 'i' && (name[9] | 0x20) == 'p')
                    {
                        return new ReadOnlySpan<object>(Rows.Eight, 0, 1);
                    }

                    break;
                case 11:
                    // connect-udp
                    if ((name[0] | 0x20) == 'c' && (name[1] | 0x20) == 'o' && (name[2] | 0x20) == 'n' && (name[3] | 0x20) == 'n'
                        && (name[4] | 0x20) == 'e' && (name[5] | 0x20) == 'c' && (name[6] | 0x20) == 't' && name[7] == '-'
                        && (name[8] | 0x20) == 'u' && (name[9] | 0x20) == 'd' && (name[10] | 0x20) == 'p')
                    {
                        return new ReadOnlySpan<object>(Rows.Eight, 6, 1);
                    }

                    break;
            }

            return default;
        }
    }

    private static class EightNamesOrdinalIgnoreCase
    {
        public static ReadOnlySpan<object> Match(ReadOnlySpan<char> name)
        {
            switch (name.Length)
            {
                case 3:
                    if (name.Equals("h2c", StringComparison.OrdinalIgnoreCase))
                    {
                        return new ReadOnlySpan<object>(Rows.Eight, 2, 1);
                    }

                    if (name.Equals("tls", StringComparison.OrdinalIgnoreCase))
                    {
                        return new ReadOnlySpan<object>(Rows.Eight, 5, 1);
                    }

                    break;
                case 4:
                    if (name.Equals("echo", StringComparison.OrdinalIgnoreCase))
                    {
                        return new ReadOnlySpan<object>(Rows.Eight, 1, 1);
                    }

                    if (name.Equals("http", StringComparison.OrdinalIgnoreCase))
                    {
                        return new ReadOnlySpan<object>(Rows.Eight, 3, 1);
                    }

                    if (name.Equals("mqtt", StringComparison.OrdinalIgnoreCase))
                    {
                        return new ReadOnlySpan<object>(Rows.Eight, 4, 1);
                    }

                    break;
                case 9:
                    if (name.Equals("websocket", StringComparison.OrdinalIgnoreCase))
                    {
                        return new ReadOnlySpan<object>(Rows.Eight, 7, 1);
                    }

                    break;
                case 10:
                    if (name.Equals("connect-ip", StringComparison.OrdinalIgnoreCase))
                    {
                        return new ReadOnlySpan<object>(Rows.Eight, 0, 1);
                    }

                    break;
                case 11:
                    if (name.Equals("connect-udp", StringComparison.OrdinalIgnoreCase))
                    {
                        return new ReadOnlySpan<object>(Rows.Eight, 6, 1);
                    }

                    break;
            }

            return default;
        }
    }
}
