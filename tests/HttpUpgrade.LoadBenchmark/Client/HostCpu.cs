using System;
using System.Globalization;
using System.IO;
using System.Linq;

namespace HttpUpgrade.LoadBenchmark;

/// <summary>
/// The machine-wide CPU counters of /proc/stat (the aggregate <c>cpu</c> line, in USER_HZ ticks). Two readings give a
/// run's steal time — time this VM wanted a CPU and the hypervisor gave it to someone else — and how busy all CPUs were.
/// </summary>
internal readonly record struct HostCpu(long User, long Nice, long System, long Idle, long IoWait, long Irq, long SoftIrq, long Steal)
{
    /// <summary>Clock ticks per second of /proc/stat; 100 on every mainstream Linux build.</summary>
    public const double TicksPerSecond = 100;

    public long Total => User + Nice + System + Idle + IoWait + Irq + SoftIrq + Steal;

    public long Busy => User + Nice + System + Irq + SoftIrq;

    public static bool IsAvailable => File.Exists("/proc/stat");

    public static HostCpu Read()
    {
        if (!IsAvailable)
        {
            return default;
        }

        string line = File.ReadLines("/proc/stat").First(l => l.StartsWith("cpu ", StringComparison.Ordinal));
        long[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        return new HostCpu(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f.Length > 7 ? f[7] : 0);
    }

    public static HostCpu operator -(HostCpu after, HostCpu before) => new(
        after.User - before.User,
        after.Nice - before.Nice,
        after.System - before.System,
        after.Idle - before.Idle,
        after.IoWait - before.IoWait,
        after.Irq - before.Irq,
        after.SoftIrq - before.SoftIrq,
        after.Steal - before.Steal);

    /// <summary>Steal as a percentage of all CPU time of the interval.</summary>
    public double StealPercent => Total == 0 ? 0 : 100.0 * Steal / Total;

    /// <summary>Time the CPUs spent running anything (this benchmark included), as a percentage of all CPU time.</summary>
    public double BusyPercent => Total == 0 ? 0 : 100.0 * Busy / Total;

    /// <summary>All CPU time of the interval, in seconds (elapsed time × CPUs, as the kernel counted it).</summary>
    public double TotalSeconds => Total / TicksPerSecond;
}
