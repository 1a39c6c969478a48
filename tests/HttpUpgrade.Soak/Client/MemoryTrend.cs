using System;
using System.Collections.Generic;
using System.Linq;

namespace HttpUpgrade.Soak;

/// <summary>
/// One reading of the server's memory, taken every few seconds while the sockets exchange messages: its resident set
/// from /proc and its GC heap from /stats, either as it is (garbage included) or, with <paramref name="AfterFullGc"/>,
/// right after a full blocking collection (the live heap).
/// </summary>
internal sealed record MemorySample(TimeSpan Elapsed, long WorkingSetBytes, long HeapBytes, bool AfterFullGc, long Gen0, long Gen1, long Gen2);

/// <summary>
/// Whether one memory series stayed flat after warm-up. The rule: over the samples taken after the warm-up, the
/// least-squares line grows by at most <c>--max-slope</c> MB per minute, and the last minute's mean lies within
/// <c>--max-drift</c> % of the mean of the minute right after the warm-up. The slope catches a steady leak (at the
/// default 1,000 messages/s, 2 MB/min is 33 bytes per message); the two means catch a step that a line through a
/// sawtooth would hide.
/// </summary>
internal sealed record MemoryTrend(
    string Name,
    double FirstMinuteMeanMb,
    double SecondMinuteMeanMb,
    double LastMinuteMeanMb,
    double MinMb,
    double MaxMb,
    double SlopeMbPerMinute,
    double DriftPercent,
    bool Judged,
    bool Flat)
{
    private const double Megabyte = 1024 * 1024;

    public static MemoryTrend Of(string name, IReadOnlyList<MemorySample> samples, Func<MemorySample, long> value, SoakOptions options, TimeSpan duration)
    {
        static double Mean(IEnumerable<double> values) => values.DefaultIfEmpty(double.NaN).Average();

        var points = samples.Select(s => (Minutes: s.Elapsed.TotalMinutes, Mb: value(s) / Megabyte)).ToArray();
        double warmup = options.Warmup.TotalMinutes;
        double end = duration.TotalMinutes;
        var judged = points.Where(p => p.Minutes >= warmup).ToArray();

        double slope = double.NaN;
        if (judged.Length >= 2)
        {
            double meanX = judged.Average(p => p.Minutes);
            double meanY = judged.Average(p => p.Mb);
            double sxx = judged.Sum(p => (p.Minutes - meanX) * (p.Minutes - meanX));
            double sxy = judged.Sum(p => (p.Minutes - meanX) * (p.Mb - meanY));
            slope = sxx > 0 ? sxy / sxx : double.NaN;
        }

        double first = Mean(points.Where(p => p.Minutes < Math.Min(1, end)).Select(p => p.Mb));
        double second = Mean(points.Where(p => p.Minutes >= warmup && p.Minutes < warmup + 1).Select(p => p.Mb));
        double last = Mean(points.Where(p => p.Minutes >= end - 1).Select(p => p.Mb));
        double drift = 100 * (last - second) / second;
        bool canJudge = options.JudgesFlatness && judged.Length >= 2 && !double.IsNaN(second) && !double.IsNaN(last);
        bool flat = canJudge && slope <= options.MaxSlopeMegabytesPerMinute && Math.Abs(drift) <= options.MaxDriftPercent;
        return new MemoryTrend(
            name,
            first,
            second,
            last,
            points.Length == 0 ? double.NaN : points.Min(p => p.Mb),
            points.Length == 0 ? double.NaN : points.Max(p => p.Mb),
            slope,
            drift,
            canJudge,
            flat);
    }
}
