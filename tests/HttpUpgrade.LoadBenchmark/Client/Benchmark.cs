using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Reflection;
using System.Threading.Tasks;

namespace HttpUpgrade.LoadBenchmark;

/// <summary>
/// The whole benchmark: starts both servers, warms them, runs A and B in alternating pairs (A B, B A, A B, ...) at each
/// concurrency, measures the working set with idle sockets on fresh servers, and prints and writes the results.
/// </summary>
internal static class Benchmark
{
    private const string LabelB = "UseWebSockets";

    private static readonly Dictionary<string, string> FastPathEnvironment = new() { ["HTTPUPGRADE_FAST_PATH"] = "1" };

    // Lets the server finish with the last connections (Kestrel's cleanup after the client saw the end of the stream)
    // before a counter is read, so each run's own tail is counted in that run.
    private static readonly TimeSpan s_quiesce = TimeSpan.FromMilliseconds(50);

    public static async Task<int> RunAsync(BenchmarkOptions options, string[] args)
    {
        BuildLayout layout = BuildLayout.Find();
        if (layout.Configuration != "Release" && !options.IsSmoke)
        {
            Console.Error.WriteLine($"This is a {layout.Configuration} build; numbers from it mean nothing. Run:\n"
                + "  dotnet run -c Release --project tests/HttpUpgrade.LoadBenchmark/Client" + (args.Length > 0 ? " -- " + string.Join(' ', args) : string.Empty));
            return 2;
        }

        // The same MapUpgrade app either way; the fast path is switched on by the environment, so nothing else differs.
        string labelA = options.FastPath ? "MapUpgrade + fast path" : "MapUpgrade";
        var a = new ServerApp("A", labelA, layout.ServerAssembly("MapUpgradeServer"), options.FastPath ? FastPathEnvironment : null);
        var b = new ServerApp("B", LabelB, layout.ServerAssembly("BaselineServer"));
        MachineInfo machine = MachineInfo.Describe(layout.Configuration);
        DateTimeOffset started = DateTimeOffset.UtcNow;

        Console.WriteLine($"HttpUpgrade load benchmark: A = {labelA} (HttpUpgrade), B = {LabelB} (ASP.NET Core baseline)");
        Console.WriteLine($"mode {options.Mode}: concurrency {string.Join(',', options.Concurrency)}; {options.Pairs} pair(s) per concurrency, "
            + $"alternating A B / B A; {options.Duration.TotalSeconds:0.##} s runs after {options.Warmup.TotalSeconds:0.##} s warm-up; "
            + $"{options.IdleSockets:N0} idle sockets x {options.IdlePairs} pair(s)");
        Console.WriteLine($"machine: {machine.Processors} CPUs, {machine.CpuModel}; {machine.Os}, kernel {machine.Kernel}; {machine.Runtime}; {machine.Configuration} build");

        var runs = new List<RunRecord>();
        var idle = new List<IdleRecord>();
        var serverOutput = new Dictionary<string, List<string>> { ["A"] = [], ["B"] = [] };
        HostCpu benchmarkStart = HostCpu.Read();
        string? serverGc = null;

        ServerProcess? serverA = null;
        ServerProcess? serverB = null;
        try
        {
            // One after the other: two .NET apps starting at once on two cores would each start slower, for nothing.
            serverA = await ServerProcess.StartAsync(a, layout.Dotnet);
            serverB = await ServerProcess.StartAsync(b, layout.Dotnet);
            var servers = new Dictionary<string, (ServerProcess Process, WireBytes Wire, (long Bytes, TimeSpan Cpu) StatsCost)>();
            foreach (ServerProcess server in new[] { serverA, serverB })
            {
                var wire = new WireBytes($"127.0.0.1:{server.EndPoint.Port}", "/ws");
                ServerStats stats = await server.ReadStatsAsync(wire);
                serverGc ??= stats.ServerGc ? "server GC" : "workstation GC";
                Console.WriteLine($"server {server.App.Id} ({server.App.Label}) listening on {server.EndPoint}, pid {server.ProcessId}, .NET {stats.Runtime}, {serverGc}");
                servers[server.App.Id] = (server, wire, await MeasureStatsCostAsync(server, wire));
            }

            int warmupConcurrency = options.Concurrency.Max();
            foreach ((ServerProcess process, WireBytes wire, _) in servers.Values)
            {
                LoadResult warm = await LoadGenerator.RunAsync(process.EndPoint, wire, warmupConcurrency, options.InitialWarmup);
                Console.WriteLine($"warm-up {process.App.Id}: {warm.Upgrades:N0} upgrades at concurrency {warmupConcurrency}, {warm.Errors} errors"
                    + (warm.FirstError is null ? string.Empty : $" (first: {warm.FirstError})"));
            }

            Console.WriteLine();
            Console.WriteLine("runs (hs = handshake: request sent to end of 101 head; msg = first message: sent to echo received; "
                + "CPU and allocations are the server's; steal, busy and others are the whole machine's)");
            Console.WriteLine(Report.RunHeader());
            using CpuHog? hog = CpuHog.Start(options.CpuHogs);
            if (hog is not null)
            {
                Console.WriteLine($"{options.CpuHogs} spinning process(es) run beside the measured runs (--cpu-hog)");
            }

            foreach (int concurrency in options.Concurrency)
            {
                for (int pair = 1; pair <= options.Pairs; pair++)
                {
                    string[] order = pair % 2 == 1 ? ["A", "B"] : ["B", "A"];
                    for (int position = 0; position < order.Length; position++)
                    {
                        (ServerProcess process, WireBytes wire, (long Bytes, TimeSpan Cpu) statsCost) = servers[order[position]];
                        RunRecord run = await MeasureRunAsync(options, process, wire, statsCost, concurrency, pair, position + 1);
                        runs.Add(run);
                        Console.WriteLine(Report.RunRow(run));
                        if (run.FirstError is not null)
                        {
                            Console.WriteLine($"      first error: {run.FirstError}");
                        }
                    }
                }
            }

            serverOutput["A"].AddRange(serverA.OtherOutput);
            serverOutput["B"].AddRange(serverB.OtherOutput);
        }
        finally
        {
            serverA?.Dispose();
            serverB?.Dispose();
        }

        if (options.IdlePairs > 0)
        {
            Console.WriteLine();
            Console.WriteLine($"working set with {options.IdleSockets:N0} idle upgraded sockets (each server started afresh and warmed; "
                + "before = after the warm-up and a full collection)");
            for (int pair = 1; pair <= options.IdlePairs; pair++)
            {
                foreach (ServerApp app in pair % 2 == 1 ? new[] { a, b } : new[] { b, a })
                {
                    IdleRecord record = await MeasureIdleAsync(options, layout, app, pair, serverOutput[app.Id]);
                    idle.Add(record);
                    Console.WriteLine(Report.IdleRow(record));
                }
            }
        }

        HostCpu benchmarkHost = HostCpu.Read() - benchmarkStart;
        List<SummaryRow> summary = Summarize(options, runs, idle);
        var titles = options.Concurrency.ToDictionary(
            c => Group(c),
            c => $"concurrency {c}: medians of {options.Pairs} run(s) each; A/B = median of the per-pair ratios "
                + $"(steal {Range(runs.Where(r => r.Concurrency == c).Select(r => r.StealPercent))}%, "
                + $"others {Range(runs.Where(r => r.Concurrency == c).Select(r => r.OthersPercent))}%)");
        titles["idle"] = $"{options.IdleSockets:N0} idle upgraded sockets: medians of {options.IdlePairs} fresh server(s) each";

        Console.WriteLine();
        Console.Write(Report.SummaryTables(summary, titles, labelA, LabelB));
        Console.WriteLine($"* a disturbed pair: in one of its runs steal was at least {Statistics.DisturbingStealPercent}% or other processes used at least "
            + $"{Statistics.DisturbingOthersPercent}% of the machine's CPU; A/B quiet is the median over the other pairs.");
        Console.WriteLine($"host steal over the whole benchmark: {benchmarkHost.StealPercent:N1}% (per run: {Range(runs.Select(r => r.StealPercent))}%); "
            + $"CPU busy {benchmarkHost.BusyPercent:N0}%");

        foreach ((string id, List<string> lines) in serverOutput)
        {
            if (lines.Count > 0)
            {
                Console.WriteLine($"server {id} printed {lines.Count} line(s); the first: {lines[0]}");
            }
        }

        string resultsDirectory = options.ResultsDirectory ?? layout.ResultsDirectory;
        var document = new
        {
            benchmark = $"{labelA} (A) against UseWebSockets (B)",
            options.Name,
            options.Mode,
            Command = "dotnet run -c Release --project tests/HttpUpgrade.LoadBenchmark/Client" + (args.Length > 0 ? " -- " + string.Join(' ', args) : string.Empty),
            StartedUtc = started,
            Machine = machine,
            ServerGc = serverGc,
            Settings = new
            {
                options.Concurrency,
                options.Pairs,
                DurationSeconds = options.Duration.TotalSeconds,
                WarmupSeconds = options.Warmup.TotalSeconds,
                options.IdleSockets,
                options.IdlePairs,
                options.CpuHogs,
            },
            HostStealPercent = Math.Round(benchmarkHost.StealPercent, 2),
            HostBusyPercent = Math.Round(benchmarkHost.BusyPercent, 1),
            Summary = summary,
            Runs = runs,
            Idle = idle,
        };
        string markdown = $"`{document.Command}`: {machine.Processors} CPUs ({machine.CpuModel}), {machine.Os}, {machine.Runtime}, {serverGc}; "
            + $"host steal {benchmarkHost.StealPercent:N1}% over the benchmark ({Range(runs.Select(r => r.StealPercent))}% per run), "
            + $"other processes {Range(runs.Select(r => r.OthersPercent))}% of the CPU per run.\n\n"
            + Report.MarkdownTables(summary, titles, labelA, LabelB);
        Report.WriteFiles(resultsDirectory, options.Name, document, runs, summary, markdown);
        Console.WriteLine($"results: {Path.Combine(resultsDirectory, options.Name)}.json, -runs.csv, -ratios.csv, .md");

        int upgradesA = runs.Where(r => r.Server == "A").Sum(r => r.Upgrades);
        int upgradesB = runs.Where(r => r.Server == "B").Sum(r => r.Upgrades);
        Console.WriteLine($"completed upgrades: A={upgradesA} B={upgradesB}; errors: A={runs.Where(r => r.Server == "A").Sum(r => r.Errors)} "
            + $"B={runs.Where(r => r.Server == "B").Sum(r => r.Errors)}");
        return upgradesA > 0 && upgradesB > 0 ? 0 : 1;
    }

    private static async Task<RunRecord> MeasureRunAsync(
        BenchmarkOptions options,
        ServerProcess server,
        WireBytes wire,
        (long Bytes, TimeSpan Cpu) statsCost,
        int concurrency,
        int pair,
        int order)
    {
        IPEndPoint endPoint = server.EndPoint;
        await LoadGenerator.RunAsync(endPoint, wire, concurrency, options.Warmup);
        await Task.Delay(s_quiesce);

        ServerStats before = await server.ReadStatsAsync(wire);
        TimeSpan clientCpuBefore = Environment.CpuUsage.TotalTime;
        HostCpu hostBefore = HostCpu.Read();
        LoadResult load = await LoadGenerator.RunAsync(endPoint, wire, concurrency, options.Duration);
        HostCpu host = HostCpu.Read() - hostBefore;
        TimeSpan clientCpu = Environment.CpuUsage.TotalTime - clientCpuBefore;
        await Task.Delay(s_quiesce);
        ServerStats after = await server.ReadStatsAsync(wire);

        // The reading itself costs the server a little; that cost, measured with back-to-back readings, is taken off.
        double serverCpuMs = Math.Max(0, (after.Cpu - before.Cpu - statsCost.Cpu).TotalMilliseconds);
        long allocated = Math.Max(0, after.AllocatedBytes - before.AllocatedBytes - statsCost.Bytes);
        int upgrades = load.Upgrades;
        double seconds = load.Elapsed.TotalSeconds;
        double others = host.TotalSeconds == 0
            ? 0
            : Math.Max(0, 100.0 * ((host.Busy / HostCpu.TicksPerSecond) - (serverCpuMs / 1000) - clientCpu.TotalSeconds) / host.TotalSeconds);

        return new RunRecord(
            server.App.Id,
            concurrency,
            pair,
            order,
            seconds,
            upgrades,
            load.Errors,
            load.FirstError,
            upgrades / seconds,
            Statistics.PercentileMicroseconds(load.HandshakeTicks, 50),
            Statistics.PercentileMicroseconds(load.HandshakeTicks, 99),
            Statistics.PercentileMicroseconds(load.MessageTicks, 50),
            Statistics.PercentileMicroseconds(load.MessageTicks, 99),
            serverCpuMs,
            upgrades == 0 ? double.NaN : serverCpuMs * 1000 / upgrades,
            allocated,
            upgrades == 0 ? double.NaN : (double)allocated / upgrades,
            upgrades == 0 ? double.NaN : (after.KernelCpu - before.KernelCpu).TotalMilliseconds * 1000 / upgrades,
            upgrades == 0 ? double.NaN : (double)(after.WorkItems - before.WorkItems) / upgrades,
            upgrades == 0 ? double.NaN : (double)(after.Exceptions - before.Exceptions) / upgrades,
            after.Gen0 - before.Gen0,
            after.Gen1 - before.Gen1,
            after.Gen2 - before.Gen2,
            upgrades == 0 ? double.NaN : clientCpu.TotalMilliseconds * 1000 / upgrades,
            host.StealPercent,
            host.BusyPercent,
            others);
    }

    private static async Task<(long Bytes, TimeSpan Cpu)> MeasureStatsCostAsync(ServerProcess server, WireBytes wire)
    {
        var readings = new List<ServerStats>();
        for (int i = 0; i < 6; i++)
        {
            readings.Add(await server.ReadStatsAsync(wire));
        }

        // The first readings also pay for JIT; the later deltas are what a reading costs from then on.
        var deltas = readings.Skip(2).Zip(readings.Skip(3), (x, y) => (Bytes: y.AllocatedBytes - x.AllocatedBytes, Cpu: y.Cpu - x.Cpu)).ToArray();
        return ((long)Statistics.Median(deltas.Select(d => (double)d.Bytes)), TimeSpan.FromTicks((long)Statistics.Median(deltas.Select(d => (double)d.Cpu.Ticks))));
    }

    private static async Task<IdleRecord> MeasureIdleAsync(BenchmarkOptions options, BuildLayout layout, ServerApp app, int pair, List<string> output)
    {
        ServerProcess server = await ServerProcess.StartAsync(app, layout.Dotnet);
        RawConnection[] sockets = [];
        try
        {
            var wire = new WireBytes($"127.0.0.1:{server.EndPoint.Port}", "/ws");
            await LoadGenerator.RunAsync(server.EndPoint, wire, 16, options.Warmup);
            HostCpu hostBefore = HostCpu.Read();
            ServerStats before = await server.ReadStatsAsync(wire, collect: true);
            await Task.Delay(options.IdleSettle);
            long workingSetBefore = server.ReadWorkingSetBytes();

            sockets = await LoadGenerator.OpenIdleAsync(server.EndPoint, wire, options.IdleSockets, parallelism: 16);
            await Task.Delay(options.IdleSettle);
            long workingSet = server.ReadWorkingSetBytes();
            ServerStats with = await server.ReadStatsAsync(wire, collect: true);
            HostCpu host = HostCpu.Read() - hostBefore;

            return new IdleRecord(
                app.Id,
                pair,
                sockets.Length,
                workingSetBefore,
                workingSet,
                (double)(workingSet - workingSetBefore) / sockets.Length,
                before.HeapBytes,
                with.HeapBytes,
                (double)(with.HeapBytes - before.HeapBytes) / sockets.Length,
                host.StealPercent);
        }
        finally
        {
            // The server goes first: closing a thousand sockets under it would only make it log a thousand aborts.
            output.AddRange(server.OtherOutput);
            server.Dispose();
            foreach (RawConnection socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    private static List<SummaryRow> Summarize(BenchmarkOptions options, List<RunRecord> runs, List<IdleRecord> idle)
    {
        var rows = new List<SummaryRow>();
        foreach (int concurrency in options.Concurrency)
        {
            RunRecord[] atConcurrency = runs.Where(r => r.Concurrency == concurrency).ToArray();
            IGrouping<int, RunRecord>[] pairs = atConcurrency.GroupBy(r => r.Pair).ToArray();
            bool[] disturbed = pairs.Select(p => p.Any(Statistics.IsDisturbed)).ToArray();
            foreach (Metric metric in Metric.ForRuns)
            {
                double[] pairRatios = pairs
                    .Select(p => metric.Value(p.Single(r => r.Server == "A")) / metric.Value(p.Single(r => r.Server == "B")))
                    .ToArray();
                rows.Add(new SummaryRow(
                    Group(concurrency),
                    metric.Name,
                    Statistics.Median(atConcurrency.Where(r => r.Server == "A").Select(metric.Value)),
                    Statistics.Median(atConcurrency.Where(r => r.Server == "B").Select(metric.Value)),
                    Statistics.Median(pairRatios),
                    Statistics.Median(pairRatios.Where((_, i) => !disturbed[i])),
                    pairRatios,
                    disturbed));
            }
        }

        if (idle.Count > 0)
        {
            var idleMetrics = new (string Name, Func<IdleRecord, double> Value)[]
            {
                ($"working set with {options.IdleSockets:N0} idle sockets (MB)", r => r.WorkingSetBytes / 1048576.0),
                ("working set / idle socket (bytes)", r => r.WorkingSetPerSocketBytes),
                ("live managed heap / idle socket (bytes)", r => r.HeapPerSocketBytes),
            };
            IGrouping<int, IdleRecord>[] pairs = idle.GroupBy(r => r.Pair).ToArray();
            bool[] disturbed = pairs.Select(p => p.Any(r => r.StealPercent >= Statistics.DisturbingStealPercent)).ToArray();
            foreach ((string name, Func<IdleRecord, double> value) in idleMetrics)
            {
                double[] pairRatios = pairs
                    .Select(p => value(p.Single(r => r.Server == "A")) / value(p.Single(r => r.Server == "B")))
                    .ToArray();
                rows.Add(new SummaryRow(
                    "idle",
                    name,
                    Statistics.Median(idle.Where(r => r.Server == "A").Select(value)),
                    Statistics.Median(idle.Where(r => r.Server == "B").Select(value)),
                    Statistics.Median(pairRatios),
                    Statistics.Median(pairRatios.Where((_, i) => !disturbed[i])),
                    pairRatios,
                    disturbed));
            }
        }

        return rows;
    }

    private static string Group(int concurrency) => "c" + concurrency;

    private static string Range(IEnumerable<double> values)
    {
        double[] all = values.ToArray();
        return all.Length == 0 ? "-" : $"{all.Min():N1}-{all.Max():N1}";
    }
}

/// <summary>Where the build put the servers, which configuration this is, and which dotnet runs them.</summary>
internal sealed record BuildLayout(string LoadBenchmarkDirectory, string Configuration, string TargetFramework, string Dotnet)
{
    public string ResultsDirectory => Path.Combine(LoadBenchmarkDirectory, "results");

    /// <summary>This client runs from Client/bin/CONFIGURATION/TFM/; it built each server into SERVER/bin/CONFIGURATION/TFM/.</summary>
    public static BuildLayout Find()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        DirectoryInfo loadBenchmark = output.Parent!.Parent!.Parent!.Parent!;
        string configuration = typeof(Benchmark).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? output.Parent.Name;
        return new BuildLayout(loadBenchmark.FullName, configuration, output.Name, FindDotnet());
    }

    public string ServerAssembly(string project)
        => Path.Combine(LoadBenchmarkDirectory, project, "bin", Configuration, TargetFramework, $"HttpUpgrade.LoadBenchmark.{project}.dll");

    private static string FindDotnet()
    {
        // Under `dotnet run` this process is the apphost; the servers run on the dotnet that runs this runtime.
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }

        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { } host && File.Exists(host))
        {
            return host;
        }

        string fromRuntime = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", "..", OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet"));
        return File.Exists(fromRuntime) ? fromRuntime : "dotnet";
    }
}

/// <summary>The machine the numbers came from.</summary>
internal sealed record MachineInfo(int Processors, string CpuModel, string Os, string Kernel, string Runtime, string Configuration)
{
    public static MachineInfo Describe(string configuration) => new(
        Environment.ProcessorCount,
        FirstValue("/proc/cpuinfo", "model name") ?? "unknown CPU",
        FirstValue("/etc/os-release", "PRETTY_NAME", '=')?.Trim('"') ?? Environment.OSVersion.ToString(),
        File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : "unknown",
        System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
        configuration);

    private static string? FirstValue(string path, string key, char separator = ':')
    {
        if (!File.Exists(path))
        {
            return null;
        }

        string? line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
        return line?[(line.IndexOf(separator, StringComparison.Ordinal) + 1)..].Trim();
    }
}
