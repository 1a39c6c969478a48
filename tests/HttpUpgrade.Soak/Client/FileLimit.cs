using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace HttpUpgrade.Soak;

/// <summary>
/// The open-files limit (RLIMIT_NOFILE). Every socket costs the client one descriptor and the server one more, and the
/// server inherits this process's limits, so both need the socket count plus what the runtime itself keeps open.
/// .NET already raises the soft limit to the hard one at startup on Linux; this raises it again if something lowered
/// it, and says so when the hard limit is too low (then: <c>ulimit -Hn</c> as root, or <c>LimitNOFILE</c>/limits.conf).
/// </summary>
internal static partial class FileLimit
{
    /// <summary>Descriptors a .NET process holds besides its sockets (runtime, assemblies, epoll, pipes), with room to spare.</summary>
    public const int Overhead = 512;

    private const int RlimitNofile = 7;

    public static (long Soft, long Hard) Read()
    {
        if (!OperatingSystem.IsLinux() || getrlimit(RlimitNofile, out Rlimit limit) != 0)
        {
            return (-1, -1);
        }

        return ((long)limit.Current, (long)limit.Maximum);
    }

    /// <summary>Raises the soft limit to <paramref name="needed"/> when the hard limit allows; returns the limits after.</summary>
    public static (long Soft, long Hard) Ensure(long needed)
    {
        (long soft, long hard) = Read();
        if (soft >= 0 && soft < needed && hard >= needed)
        {
            var raised = new Rlimit { Current = (ulong)needed, Maximum = (ulong)hard };
            _ = setrlimit(RlimitNofile, ref raised);
            (soft, hard) = Read();
        }

        return (soft, hard);
    }

    /// <summary>Descriptors a process has open now, from /proc.</summary>
    public static int OpenDescriptors(int processId)
    {
        string directory = $"/proc/{processId}/fd";
        return Directory.Exists(directory) ? Directory.EnumerateFileSystemEntries(directory).Count() : -1;
    }

    public static string Describe(long value) => value < 0 ? "unknown" : value >= long.MaxValue / 2 ? "unlimited" : value.ToString(CultureInfo.InvariantCulture);

    [StructLayout(LayoutKind.Sequential)]
    private struct Rlimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getrlimit(int resource, out Rlimit limit);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setrlimit(int resource, ref Rlimit limit);
}
