using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Reflection;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using HttpUpgrade.LoadBenchmark;

namespace HttpUpgrade.Soak;

/// <summary>
/// The whole soak: starts the server, opens every socket, lets them exchange checksummed messages for the set time while
/// sampling the server's memory, closes every socket with the closing handshake, and prints what it found. The exit code
/// is 0 only when every check passed.
/// </summary>
internal static class Soak
{
    private const double Megabyte = 1024 * 1024;

    // Opening handshakes in flight at once: enough to open 5,000 sockets in seconds, few enough that Kestrel's accept
    // backlog (512) never fills while two cores are busy.
    private const int ConnectConcurrency = 32;
    private const int CloseConcurrency = 256;
    private static readonly TimeSpan s_connectTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan s_closeTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan s_drainTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan s_progressInterval = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(SoakOptions options, string[] args)
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string configuration = typeof(Soak).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? output.Parent!.Name;

        // This client runs from Client/bin/CONFIGURATION/TFM/; it built the server into Server/bin/CONFIGURATION/TFM/.
        string serverAssembly = Path.Combine(output.Parent!.Parent!.Parent!.Parent!.FullName, "Server", "bin", configuration, output.Name, "HttpUpgrade.Soak.Server.dll");
        var app = new ServerApp("S", "MapUpgrade + permessage-deflate", serverAssembly);

        Console.WriteLine("HttpUpgrade soak: dotnet run -c Release --project tests/HttpUpgrade.Soak/Client" + (args.Length > 0 ? " -- " + string.Join(' ', args) : string.Empty));
        Console.WriteLine($"settings: {options.Sockets:N0} sockets ({options.DeflateSockets:N0} offering permessage-deflate), {Format(options.Duration)} of messages, "
            + $"{options.MessagesPerSecond:N0} messages/s in all (one per socket every {options.SendInterval.TotalSeconds:0.##} s), payloads 1-{options.MaxPayload:N0} bytes");
        Console.WriteLine($"machine: {Environment.ProcessorCount} CPUs, {FirstValue("/proc/cpuinfo", "model name") ?? "unknown CPU"}; kernel {ReadTrimmed("/proc/sys/kernel/osrelease")}; "
            + $"{System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}; {configuration} build");
        if (configuration != "Release")
        {
            Console.WriteLine("note: a Debug build; its memory figures are not those of a deployment.");
        }

        // Each process needs a descriptor per socket; the server inherits this process's limits.
        long needed = options.Sockets + FileLimit.Overhead;
        (long soft, long hard) = FileLimit.Ensure(needed);
        Console.WriteLine($"open files (RLIMIT_NOFILE): soft {FileLimit.Describe(soft)}, hard {FileLimit.Describe(hard)}; needed per process {needed:N0} "
            + $"({options.Sockets:N0} sockets + {FileLimit.Overhead})");
        if (soft >= 0 && soft < needed)
        {
            Console.WriteLine($"FAIL: the open-files limit {soft} is below {needed}. Raise it (ulimit -n {needed}; the hard limit needs root) or pass fewer --sockets.");
            return 1;
        }

        Console.WriteLine($"load average before: {ReadTrimmed("/proc/loadavg")}");
        var wire = new WireBytes("127.0.0.1", "/ws", poolSize: 1);
        using ServerProcess server = await ServerProcess.StartAsync(app, FindDotnet());
        Console.WriteLine($"server ({app.Label}) listening on {server.EndPoint}, pid {server.ProcessId}");
        ServerStats idle = await server.ReadStatsAsync(wire);
        Console.WriteLine($"server before any socket: working set {server.ReadWorkingSetBytes() / Megabyte:N1} MB, GC heap {idle.HeapBytes / Megabyte:N1} MB, "
            + $"server GC {idle.ServerGc}, runtime {idle.Runtime}");

        var sockets = Enumerable.Range(0, options.Sockets).Select(i => new SoakSocket(i, options.UsesDeflate(i), options.MaxPayload)).ToArray();
        using var handler = new SocketsHttpHandler { ConnectTimeout = s_connectTimeout };
        using var invoker = new HttpMessageInvoker(handler);
        try
        {
            var uri = new Uri($"ws://{server.EndPoint}/ws");
            var connectClock = Stopwatch.StartNew();
            int failedConnects = 0;
            string? firstConnectError = null;
            await Parallel.ForEachAsync(sockets, new ParallelOptions { MaxDegreeOfParallelism = ConnectConcurrency }, async (socket, _) =>
            {
                using var timeout = new CancellationTokenSource(s_connectTimeout);
                try
                {
                    await socket.ConnectAsync(uri, invoker, timeout.Token);
                }
                catch (Exception exception)
                {
                    if (Interlocked.Increment(ref failedConnects) == 1)
                    {
                        firstConnectError = exception.GetType().Name + ": " + exception.Message + (exception.InnerException is { } inner ? " (" + inner.Message + ")" : string.Empty);
                    }
                }
            });

            SoakSocket[] open = sockets.Where(s => s.ConnectSucceeded).ToArray();
            int deflateNegotiated = open.Count(s => s.DeflateNegotiated);
            int deflateWithout = open.Count(s => !s.Deflate && s.DeflateNegotiated);
            Console.WriteLine($"opened {open.Length:N0} of {options.Sockets:N0} sockets in {connectClock.Elapsed.TotalSeconds:N1} s; permessage-deflate negotiated on "
                + $"{deflateNegotiated:N0} ({options.DeflateSockets:N0} offered it); open descriptors: client {FileLimit.OpenDescriptors(Environment.ProcessId):N0}, "
                + $"server {FileLimit.OpenDescriptors(server.ProcessId):N0}");
            if (firstConnectError is not null)
            {
                Console.WriteLine($"first connect failure ({failedConnects:N0} in all): {firstConnectError}");
            }

            if (options.PrimeBytes > 0 && deflateNegotiated > 0)
            {
                var primeClock = Stopwatch.StartNew();
                await Parallel.ForEachAsync(open.Where(s => s.DeflateNegotiated), new ParallelOptions { MaxDegreeOfParallelism = ConnectConcurrency }, async (socket, _) => await socket.PrimeAsync(options.PrimeBytes));
                bool primed = await DrainAsync(open);
                Console.WriteLine($"primed {deflateNegotiated:N0} deflate sockets with {options.PrimeBytes / 1024:N0} KiB each: {open.Sum(s => s.SentCount):N0} messages in {primeClock.Elapsed.TotalSeconds:N1} s"
                    + (primed ? string.Empty : " (some echoes still missing)"));
            }

            // The exchange: every open socket on its own schedule, phases spread evenly over one interval.
            var samples = new List<MemorySample>();
            long collections = 0;
            using var stop = new CancellationTokenSource();
            HostCpu cpuBefore = HostCpu.Read();
            TimeSpan clientCpuBefore = Environment.CpuUsage.TotalTime;
            ServerStats serverBefore = await server.ReadStatsAsync(wire);
            string loadBefore = ReadTrimmed("/proc/loadavg");
            var clock = Stopwatch.StartNew();
            Task[] senders = open.Select((s, i) => s.SendLoopAsync(options.SendInterval * ((double)i / open.Length), options.SendInterval, stop.Token)).ToArray();
            Console.WriteLine($"exchanging for {Format(options.Duration)}; progress every {s_progressInterval.TotalSeconds:0} s, memory sampled every {options.SampleInterval.TotalSeconds:0.##} s");
            Console.WriteLine("elapsed    sent        echoed      in flight  corrupted  server WS MB  GC heap MB  load average");
            TimeSpan nextProgress = s_progressInterval;
            while (true)
            {
                TimeSpan next = options.SampleInterval * (samples.Count + 1);
                TimeSpan wait = (next < options.Duration ? next : options.Duration) - clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait);
                }

                if (next > options.Duration)
                {
                    break;
                }

                // The heap between collections grows by whatever was allocated since the last one, and at a few bytes
                // per message the server may go minutes without a collection; only the heap after a full one shows what
                // is still alive. One every FullGcInterval keeps that cost (a blocking gen2 collection) small.
                bool collect = clock.Elapsed.Ticks / options.FullGcInterval.Ticks > collections;
                if (collect)
                {
                    collections++;
                }

                ServerStats stats = await server.ReadStatsAsync(wire, collect);
                var sample = new MemorySample(clock.Elapsed, server.ReadWorkingSetBytes(), stats.HeapBytes, collect, stats.Gen0, stats.Gen1, stats.Gen2);
                samples.Add(sample);
                if (clock.Elapsed >= nextProgress)
                {
                    nextProgress += s_progressInterval;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{Format(clock.Elapsed),-10} {open.Sum(s => s.SentCount),-11:N0} {open.Sum(s => s.ReceivedCount),-11:N0} {open.Sum(s => s.InFlight),-10:N0} "
                        + $"{open.Sum(s => s.CorruptedCount),-10:N0} {sample.WorkingSetBytes / Megabyte,-13:N1} {sample.HeapBytes / Megabyte,-11:N1} {ReadTrimmed("/proc/loadavg")}"));
                }
            }

            TimeSpan exchanged = clock.Elapsed;
            stop.Cancel();
            try
            {
                // A send blocks only while the server reads nothing; then the sockets it blocks on fail at the close.
                await Task.WhenAll(senders).WaitAsync(s_drainTimeout);
            }
            catch (TimeoutException)
            {
                Console.WriteLine($"{senders.Count(t => !t.IsCompleted):N0} sends still pending {s_drainTimeout.TotalSeconds:0} s after the exchange ended");
            }

            HostCpu cpu = HostCpu.Read() - cpuBefore;
            TimeSpan clientCpu = Environment.CpuUsage.TotalTime - clientCpuBefore;
            ServerStats serverAfter = await server.ReadStatsAsync(wire);
            string loadAfter = ReadTrimmed("/proc/loadavg");

            var drainClock = Stopwatch.StartNew();
            await DrainAsync(open);
            TimeSpan drained = drainClock.Elapsed;
            var closeClock = Stopwatch.StartNew();
            await Parallel.ForEachAsync(open, new ParallelOptions { MaxDegreeOfParallelism = CloseConcurrency }, async (socket, _) => await socket.CloseAsync(s_closeTimeout));
            TimeSpan closed = closeClock.Elapsed;
            await Task.Delay(TimeSpan.FromSeconds(1));
            long workingSetAfterClose = server.ReadWorkingSetBytes();
            int serverDescriptorsAfterClose = FileLimit.OpenDescriptors(server.ProcessId);
            ServerStats afterClose = await server.ReadStatsAsync(wire, collect: true);
            long workingSetAfterCloseGc = server.ReadWorkingSetBytes();

            long sent = open.Sum(s => s.SentCount);
            long received = open.Sum(s => s.ReceivedCount);
            long corrupted = open.Sum(s => s.CorruptedCount);
            long lost = open.Sum(s => (long)s.InFlight);
            int cleanlyClosed = open.Count(s => s.ClosedCleanly);
            string[] errors = sockets.Select(s => s.FirstError).OfType<string>().ToArray();
            TimeSpan serverCpu = serverAfter.Cpu - serverBefore.Cpu;
            double busy = cpu.BusyPercent;
            double ownShare = cpu.TotalSeconds > 0 ? 100 * (clientCpu + serverCpu).TotalSeconds / cpu.TotalSeconds : 0;

            MemoryTrend workingSet = MemoryTrend.Of("server working set (VmRSS)", samples, s => s.WorkingSetBytes, options, exchanged);
            MemoryTrend heap = MemoryTrend.Of("server GC heap after a full GC (live)", samples.Where(s => s.AfterFullGc).ToArray(), s => s.HeapBytes, options, exchanged);
            MemoryTrend heapNow = MemoryTrend.Of("server GC heap between GCs (incl. garbage)", samples.Where(s => !s.AfterFullGc).ToArray(), s => s.HeapBytes, options, exchanged);

            Console.WriteLine();
            Console.WriteLine($"exchange: {Format(exchanged)}; echoes drained in {drained.TotalSeconds:N1} s; close handshakes took {closed.TotalSeconds:N1} s");
            Console.WriteLine($"load average: before {loadBefore}; at the end {loadAfter}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"machine CPU during the exchange: busy {busy:N1}%, steal {cpu.StealPercent:N1}%; this client {100 * clientCpu.TotalSeconds / cpu.TotalSeconds:N1}%, "
                + $"the server {100 * serverCpu.TotalSeconds / cpu.TotalSeconds:N1}%, other processes {Math.Max(0, busy - ownShare):N1}% (of {Environment.ProcessorCount} CPUs)"));
            Console.WriteLine($"server GCs during the exchange: gen0 {serverAfter.Gen0 - serverBefore.Gen0:N0}, gen1 {serverAfter.Gen1 - serverBefore.Gen1:N0}, gen2 {serverAfter.Gen2 - serverBefore.Gen2:N0}; "
                + $"allocated {(serverAfter.AllocatedBytes - serverBefore.AllocatedBytes) / Megabyte:N0} MB ({(double)(serverAfter.AllocatedBytes - serverBefore.AllocatedBytes) / Math.Max(1, received):N0} B per echoed message)");
            Console.WriteLine($"after the close: server working set {workingSetAfterClose / Megabyte:N1} MB, open descriptors {serverDescriptorsAfterClose:N0}; "
                + $"after a full GC: live heap {afterClose.HeapBytes / Megabyte:N1} MB, working set {workingSetAfterCloseGc / Megabyte:N1} MB");
            Console.WriteLine();
            Console.WriteLine("| memory (MB) | first minute | minute after warm-up | last minute | min | max | slope after warm-up (MB/min) | last vs after warm-up | flat |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---|");
            foreach (MemoryTrend trend in new[] { workingSet, heap, heapNow })
            {
                string verdict = ReferenceEquals(trend, heapNow) ? "reported only" : !trend.Judged ? "not judged (run shorter than warm-up + 2 min)" : trend.Flat ? "yes" : "**no**";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {trend.Name} | {trend.FirstMinuteMeanMb:N1} | {trend.SecondMinuteMeanMb:N1} | {trend.LastMinuteMeanMb:N1} | {trend.MinMb:N1} | {trend.MaxMb:N1} | "
                    + $"{trend.SlopeMbPerMinute:+0.00;-0.00} | {trend.DriftPercent:+0.0;-0.0}% | {verdict} |"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"flat after warm-up means: samples after the first {options.Warmup.TotalSeconds:0} s fit a line rising at most {options.MaxSlopeMegabytesPerMinute:0.##} MB/min, and the last minute's "
                + $"mean is within {options.MaxDriftPercent:0.##}% of the mean of the minute after warm-up ({samples.Count} samples, one every {options.SampleInterval.TotalSeconds:0.##} s; the live heap from the {collections} taken after a full GC, one every {options.FullGcInterval.TotalSeconds:0.##} s)"));
            if (options.SamplesFile is { } file)
            {
                WriteSamples(file, samples);
                Console.WriteLine($"samples written to {file}");
            }

            Console.WriteLine();
            Console.WriteLine($"sockets opened: {open.Length:N0} of {options.Sockets:N0}");
            Console.WriteLine($"permessage-deflate negotiated: {deflateNegotiated:N0} of {options.DeflateSockets:N0} offered");
            Console.WriteLine($"messages: sent {sent:N0}, echoed {received:N0}, lost {lost:N0}, corrupted {corrupted:N0}");
            Console.WriteLine($"closed cleanly (1000 both ways): {cleanlyClosed:N0} of {options.Sockets:N0}");
            foreach (string error in errors.Take(10))
            {
                Console.WriteLine("  " + error);
            }

            if (errors.Length > 10)
            {
                Console.WriteLine($"  ... and {errors.Length - 10:N0} more sockets with a problem");
            }

            foreach (string line in server.OtherOutput.Take(20))
            {
                Console.WriteLine("server: " + line);
            }

            var failures = new List<string>();
            if (open.Length != options.Sockets)
            {
                failures.Add($"{options.Sockets - open.Length:N0} sockets did not open");
            }

            if (deflateNegotiated != options.DeflateSockets || deflateWithout != 0)
            {
                failures.Add("permessage-deflate was not negotiated on exactly the sockets that offered it");
            }

            if (sent == 0)
            {
                failures.Add("no message was sent");
            }

            if (lost != 0)
            {
                failures.Add($"{lost:N0} messages lost");
            }

            if (corrupted != 0)
            {
                failures.Add($"{corrupted:N0} messages corrupted");
            }

            if (cleanlyClosed != options.Sockets)
            {
                failures.Add($"{options.Sockets - cleanlyClosed:N0} sockets not closed cleanly");
            }

            foreach (MemoryTrend trend in new[] { workingSet, heap })
            {
                if (trend.Judged && !trend.Flat)
                {
                    failures.Add($"{trend.Name} not flat after warm-up");
                }
            }

            Console.WriteLine(failures.Count == 0 ? "result: PASS" : "result: FAIL (" + string.Join("; ", failures) + ")");
            return failures.Count == 0 ? 0 : 1;
        }
        finally
        {
            foreach (SoakSocket socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    /// <summary>Every echo still owed gets up to a minute to arrive; whatever has not by then is lost.</summary>
    private static async Task<bool> DrainAsync(SoakSocket[] sockets)
    {
        var clock = Stopwatch.StartNew();
        while (sockets.Any(s => s.InFlight > 0))
        {
            if (clock.Elapsed > s_drainTimeout)
            {
                return false;
            }

            await Task.Delay(50);
        }

        return true;
    }

    private static void WriteSamples(string file, IReadOnlyList<MemorySample> samples)
    {
        var text = new StringBuilder("elapsed_s,working_set_bytes,heap_bytes,after_full_gc,gen0,gen1,gen2\n");
        foreach (MemorySample s in samples)
        {
            text.Append(CultureInfo.InvariantCulture, $"{s.Elapsed.TotalSeconds:F1},{s.WorkingSetBytes},{s.HeapBytes},{(s.AfterFullGc ? 1 : 0)},{s.Gen0},{s.Gen1},{s.Gen2}\n");
        }

        string? directory = Path.GetDirectoryName(Path.GetFullPath(file));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(file, text.ToString());
    }

    private static string Format(TimeSpan time) => time.TotalHours >= 1 ? time.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : time.ToString(@"m\:ss", CultureInfo.InvariantCulture);

    private static string ReadTrimmed(string path) => File.Exists(path) ? File.ReadAllText(path).Trim() : "unknown";

    private static string? FirstValue(string path, string key)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        string? line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
        return line?[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
    }

    private static string FindDotnet()
    {
        // Under `dotnet run` this process is the apphost; the server runs on the dotnet that runs this runtime.
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
