using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace HttpUpgrade.LoadBenchmark;

/// <summary>
/// The printed tables and the result files: NAME.json (everything), NAME-runs.csv (one row per run), NAME-ratios.csv
/// (for the chart) and NAME.md (the summary as Markdown tables, for the docs).
/// </summary>
internal static class Report
{
    private static readonly CultureInfo s_invariant = CultureInfo.InvariantCulture;

    private static readonly (string Header, int Width)[] s_runColumns =
    [
        ("conc", 5), ("pair", 4), ("server", 6), ("upgrades/s", 11), ("hs p50 us", 10), ("hs p99 us", 10), ("msg p99 us", 11),
        ("CPU-ms/1k", 10), ("B/upgrade", 10), ("gc 0/1/2", 11), ("errors", 7), ("steal%", 7), ("busy%", 6), ("others%", 8),
    ];

    public static string RunHeader() => string.Join(' ', s_runColumns.Select((c, i) => i < 3 ? c.Header.PadRight(c.Width) : c.Header.PadLeft(c.Width)));

    public static string RunRow(RunRecord r)
    {
        string[] cells =
        [
            r.Concurrency.ToString(s_invariant), r.Pair.ToString(s_invariant), r.Server,
            r.UpgradesPerSecond.ToString("N0", s_invariant), r.HandshakeP50Us.ToString("N0", s_invariant),
            r.HandshakeP99Us.ToString("N0", s_invariant), r.MessageP99Us.ToString("N0", s_invariant),
            r.CpuMsPer1000Upgrades.ToString("N1", s_invariant), r.BytesPerUpgrade.ToString("N0", s_invariant),
            $"{r.Gen0}/{r.Gen1}/{r.Gen2}", r.Errors.ToString(s_invariant),
            r.StealPercent.ToString("N1", s_invariant), r.BusyPercent.ToString("N0", s_invariant), r.OthersPercent.ToString("N0", s_invariant),
        ];
        return string.Join(' ', cells.Select((c, i) => i < 3 ? c.PadRight(s_runColumns[i].Width) : c.PadLeft(s_runColumns[i].Width)));
    }

    public static string IdleRow(IdleRecord r) => string.Create(
        s_invariant,
        $"pair {r.Pair} {r.Server}: {r.Sockets:N0} idle sockets, working set {r.WorkingSetBeforeBytes / 1048576.0:N1} -> {r.WorkingSetBytes / 1048576.0:N1} MB "
        + $"({r.WorkingSetPerSocketBytes:N0} B/socket), live heap {r.HeapBeforeBytes / 1048576.0:N1} -> {r.HeapBytes / 1048576.0:N1} MB "
        + $"({r.HeapPerSocketBytes:N0} B/socket), steal {r.StealPercent:N1}%");

    /// <summary>One table per group: each metric's median for A and for B, the median of the per-pair ratios, and those ratios.</summary>
    public static string SummaryTables(IReadOnlyList<SummaryRow> rows, IReadOnlyDictionary<string, string> groupTitles, string labelA, string labelB)
    {
        var text = new StringBuilder();
        foreach (IGrouping<string, SummaryRow> group in rows.GroupBy(r => r.Group))
        {
            string[] headers = ["metric", "A " + labelA, "B " + labelB, "A/B", "A/B quiet", "per-pair A/B (* disturbed)"];
            List<string[]> cells = group.Select(r => new[]
            {
                r.Metric,
                Format(r.A, r.Metric),
                Format(r.B, r.Metric),
                Ratio(r.Ratio),
                Ratio(r.QuietRatio),
                string.Join(' ', r.PairRatios.Select((p, i) => Ratio(p) + (r.PairDisturbed[i] ? "*" : string.Empty))),
            }).ToList();
            int[] widths = headers.Select((h, i) => Math.Max(h.Length, cells.Max(c => c[i].Length))).ToArray();

            text.AppendLine(groupTitles[group.Key]);
            text.AppendLine(Line(headers, widths));
            text.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
            foreach (string[] row in cells)
            {
                text.AppendLine(Line(row, widths));
            }

            text.AppendLine();
        }

        return text.ToString();

        static string Line(string[] cells, int[] widths)
            => string.Join("  ", cells.Select((c, i) => i is 0 or 5 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))).TrimEnd();

        static string Ratio(double value) => double.IsNaN(value) ? "-" : value.ToString("F2", s_invariant);
    }

    /// <summary>The summary as Markdown tables, for docs/benchmarks.md.</summary>
    public static string MarkdownTables(IReadOnlyList<SummaryRow> rows, IReadOnlyDictionary<string, string> groupTitles, string labelA, string labelB)
    {
        var text = new StringBuilder();
        foreach (IGrouping<string, SummaryRow> group in rows.GroupBy(r => r.Group))
        {
            text.AppendLine($"{groupTitles[group.Key]}:").AppendLine();
            text.AppendLine($"| | A {labelA} | B {labelB} | A/B | A/B quiet | per pair (* disturbed) |");
            text.AppendLine("|---|---:|---:|---:|---:|---|");
            foreach (SummaryRow r in group)
            {
                string pairs = string.Join(' ', r.PairRatios.Select((p, i) => Ratio(p) + (r.PairDisturbed[i] ? "\\*" : string.Empty)));
                text.AppendLine($"| {r.Metric} | {Format(r.A, r.Metric)} | {Format(r.B, r.Metric)} | **{Ratio(r.Ratio)}** | {Ratio(r.QuietRatio)} | {pairs} |");
            }

            text.AppendLine();
        }

        return text.ToString();

        static string Ratio(double value) => double.IsNaN(value) ? "-" : value.ToString("F2", s_invariant);
    }

    public static void WriteFiles(string directory, string name, object document, IReadOnlyList<RunRecord> runs, IReadOnlyList<SummaryRow> summary, string markdown)
    {
        Directory.CreateDirectory(directory);
        var json = new JsonSerializerOptions
        {
            WriteIndented = true,
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        };
        File.WriteAllText(Path.Combine(directory, name + ".json"), JsonSerializer.Serialize(document, json) + "\n");

        var csv = new StringBuilder();
        csv.AppendLine("concurrency,pair,order,server,seconds,upgrades,errors,upgrades_per_s,handshake_p50_us,handshake_p99_us,message_p50_us,message_p99_us,"
            + "server_cpu_ms,cpu_ms_per_1000,allocated_bytes,bytes_per_upgrade,kernel_cpu_ms_per_1000,work_items_per_upgrade,exceptions_per_upgrade,gen0,gen1,gen2,client_cpu_ms_per_1000,steal_pct,busy_pct,others_pct");
        foreach (RunRecord r in runs)
        {
            csv.AppendLine(string.Join(',', new object[]
            {
                r.Concurrency, r.Pair, r.Order, r.Server, Round(r.Seconds, 3), r.Upgrades, r.Errors, Round(r.UpgradesPerSecond, 1),
                Round(r.HandshakeP50Us, 1), Round(r.HandshakeP99Us, 1), Round(r.MessageP50Us, 1), Round(r.MessageP99Us, 1),
                Round(r.ServerCpuMs, 1), Round(r.CpuMsPer1000Upgrades, 2), r.AllocatedBytes, Round(r.BytesPerUpgrade, 1), Round(r.KernelCpuMsPer1000Upgrades, 2), Round(r.WorkItemsPerUpgrade, 2), Round(r.ExceptionsPerUpgrade, 3),
                r.Gen0, r.Gen1, r.Gen2, Round(r.ClientCpuMsPer1000Upgrades, 2), Round(r.StealPercent, 2), Round(r.BusyPercent, 1), Round(r.OthersPercent, 1),
            }.Select(v => Convert.ToString(v, s_invariant))));
        }

        File.WriteAllText(Path.Combine(directory, name + "-runs.csv"), csv.ToString());

        // Wide form for a clustered bar chart: one row per metric, one column per group, "-" where a group lacks the metric.
        string[] groups = summary.Select(r => r.Group).Distinct().ToArray();
        var ratios = new StringBuilder();
        ratios.AppendLine("metric," + string.Join(',', groups));
        foreach (string metric in summary.Select(r => r.Metric).Distinct())
        {
            IEnumerable<string> values = groups.Select(g => summary.FirstOrDefault(r => r.Group == g && r.Metric == metric) is { Ratio: var ratio } && !double.IsNaN(ratio)
                ? ratio.ToString("F3", s_invariant)
                : "-");
            ratios.AppendLine($"\"{metric}\"," + string.Join(',', values));
        }

        File.WriteAllText(Path.Combine(directory, name + "-ratios.csv"), ratios.ToString());
        File.WriteAllText(Path.Combine(directory, name + ".md"), markdown);
    }

    private static string Format(double value, string metric)
    {
        if (double.IsNaN(value))
        {
            return "-";
        }

        return metric.Contains("CPU-ms", StringComparison.Ordinal) || metric.Contains("(MB)", StringComparison.Ordinal)
            ? value.ToString("N1", s_invariant)
            : value.ToString("N0", s_invariant);
    }

    private static double Round(double value, int digits) => double.IsNaN(value) ? value : Math.Round(value, digits);
}
