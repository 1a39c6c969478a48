using System;
using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.IO;
using System.Linq;
using System.Threading;

namespace HttpUpgrade.LoadBenchmark;

/// <summary>
/// With <c>ALLOCATION_SAMPLES=DIRECTORY</c>, listens to the runtime's allocation ticks (one about every 100 KB allocated, naming
/// the type whose allocation crossed the mark) and writes to DIRECTORY/APP-PID.txt, whenever asked, how many ticks each type got: the
/// types that make up a server's bytes per upgrade, in proportion. Off unless asked for; it is not part of a measured run.
/// </summary>
public sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, long> _ticks = new(StringComparer.Ordinal);
    private long _total;

    public static AllocationSampler? StartIfAsked()
        => Environment.GetEnvironmentVariable("ALLOCATION_SAMPLES") is { Length: > 0 } ? new AllocationSampler() : null;

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs data)
    {
        if (data.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || data.Payload is null)
        {
            return;
        }

        int index = data.PayloadNames!.IndexOf("TypeName");
        string type = index >= 0 ? data.Payload[index] as string ?? "?" : "?";
        _ticks.AddOrUpdate(type, 1, static (_, count) => count + 1);
        Interlocked.Increment(ref _total);
    }

    public void Write()
    {
        string path = Path.Combine(
            Environment.GetEnvironmentVariable("ALLOCATION_SAMPLES")!,
            $"{AppDomain.CurrentDomain.FriendlyName}-{Environment.ProcessId}.txt");
        using var writer = new StreamWriter(path);
        writer.WriteLine($"ticks={_total}");
        foreach ((string type, long count) in _ticks.OrderByDescending(pair => pair.Value))
        {
            writer.WriteLine($"{count,8} {100.0 * count / Math.Max(1, _total),6:F1}% {type}");
        }
    }
}
