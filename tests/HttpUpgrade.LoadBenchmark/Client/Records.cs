using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;

namespace HttpUpgrade.LoadBenchmark;

/// <summary>One measured run against one server.</summary>
internal sealed record RunRecord(
    string Server,
    int Concurrency,
    int Pair,
    int Order,
    double Seconds,
    int Upgrades,
    int Errors,
    string? FirstError,
    double UpgradesPerSecond,
    double HandshakeP50Us,
    double HandshakeP99Us,
    double MessageP50Us,
    double MessageP99Us,
    double ServerCpuMs,
    double CpuMsPer1000Upgrades,
    long AllocatedBytes,
    double BytesPerUpgrade,
    double KernelCpuMsPer1000Upgrades,
    double WorkItemsPerUpgrade,
    double ExceptionsPerUpgrade,
    long Gen0,
    long Gen1,
    long Gen2,
    double ClientCpuMsPer1000Upgrades,
    double StealPercent,
    double BusyPercent,
    double OthersPercent);

/// <summary>One server, freshly started and warmed, holding <see cref="Sockets"/> idle upgraded connections.</summary>
internal sealed record IdleRecord(
    string Server,
    int Pair,
    int Sockets,
    long WorkingSetBeforeBytes,
    long WorkingSetBytes,
    double WorkingSetPerSocketBytes,
    long HeapBeforeBytes,
    long HeapBytes,
    double HeapPerSocketBytes,
    double StealPercent);

/// <summary>
/// One line of the summary: a metric's medians for A and B, the median of its per-pair ratios A/B, the same over the
/// pairs no other load disturbed (NaN when every pair was), and each pair's ratio with whether it was disturbed.
/// </summary>
internal sealed record SummaryRow(string Group, string Metric, double A, double B, double Ratio, double QuietRatio, double[] PairRatios, bool[] PairDisturbed);

/// <summary>A metric the summary reports, and how to read it off a run.</summary>
internal sealed record Metric(string Name, Func<RunRecord, double> Value, string Format)
{
    public static readonly Metric[] ForRuns =
    [
        new("upgrades/s", r => r.UpgradesPerSecond, "N0"),
        new("handshake p50 (us)", r => r.HandshakeP50Us, "N0"),
        new("handshake p99 (us)", r => r.HandshakeP99Us, "N0"),
        new("first message p99 (us)", r => r.MessageP99Us, "N0"),
        new("server CPU-ms / 1,000 upgrades", r => r.CpuMsPer1000Upgrades, "N1"),
        new("bytes allocated / upgrade", r => r.BytesPerUpgrade, "N0"),
        new("server kernel CPU-ms / 1,000 upgrades", r => r.KernelCpuMsPer1000Upgrades, "N1"),
        new("thread-pool work items / upgrade", r => r.WorkItemsPerUpgrade, "N1"),
        new("exceptions thrown / upgrade", r => r.ExceptionsPerUpgrade, "N2"),
    ];
}

internal static class Statistics
{
    /// <summary>Steal at or above this share of the machine's CPU time marks a run as disturbed.</summary>
    public const double DisturbingStealPercent = 2;

    /// <summary>Other processes using at least this share of the machine's CPU time mark a run as disturbed.</summary>
    public const double DisturbingOthersPercent = 10;

    public static bool IsDisturbed(RunRecord run) => run.StealPercent >= DisturbingStealPercent || run.OthersPercent >= DisturbingOthersPercent;

    public static double Median(IEnumerable<double> values)
    {
        double[] sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>Nearest-rank percentile of Stopwatch ticks, in microseconds.</summary>
    public static double PercentileMicroseconds(long[] ticks, double percentile)
    {
        if (ticks.Length == 0)
        {
            return double.NaN;
        }

        long[] sorted = (long[])ticks.Clone();
        Array.Sort(sorted);
        int rank = (int)Math.Ceiling(percentile / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)] * 1_000_000.0 / Stopwatch.Frequency;
    }
}
