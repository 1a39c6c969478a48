using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace HttpUpgrade.LoadBenchmark;

/// <summary>
/// <c>--cpu-hog N</c>: N processes that only spin, at normal priority, for as long as the measured runs last, so that the
/// comparison is also made on a busy machine. Every pair is then marked disturbed, which is the point.
/// </summary>
internal sealed class CpuHog : IDisposable
{
    private readonly List<Process> _processes = [];

    private CpuHog(int count)
    {
        for (int i = 0; i < count; i++)
        {
            var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add("while :; do :; done");
            _processes.Add(Process.Start(start) ?? throw new InvalidOperationException("Could not start /bin/sh for --cpu-hog."));
        }
    }

    public static CpuHog? Start(int count) => count > 0 ? new CpuHog(count) : null;

    public void Dispose()
    {
        foreach (Process process in _processes)
        {
            try
            {
                process.Kill();
                process.WaitForExit(5_000);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            process.Dispose();
        }
    }
}
