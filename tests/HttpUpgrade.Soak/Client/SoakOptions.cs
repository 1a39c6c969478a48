using System;
using System.Collections.Generic;
using System.Globalization;

namespace HttpUpgrade.Soak;

/// <summary>What the soak runs, and the thresholds it judges the server's memory by.</summary>
internal sealed record SoakOptions
{
    public const string Usage = """
        usage: dotnet run -c Release --project tests/HttpUpgrade.Soak/Client -- [settings]
          --sockets N             concurrent WebSockets (default 5000)
          --minutes M | --seconds S
                                  how long they exchange messages once all are open (default 10 minutes)
          --deflate-share F       share of the sockets that negotiate permessage-deflate, 0 to 1 (default 0.25)
          --rate R                messages per second over all sockets (default: sockets / 5, one message per socket
                                  every 5 s)
          --max-payload B         largest random payload in bytes; sizes are log-uniform from 1 (default 8192)
          --sample-seconds S      how often the server's working set and GC heap are read (default 5)
          --gc-seconds S          how often one of those readings follows a full GC, for the live heap (default 30)
          --prime-kib K           before the clock starts, each deflate socket sends at least K KiB back to back, so
                                  its compression windows and hash tables are in use before memory is judged
                                  (default 128; 0 turns it off)
          --warmup-seconds S      samples before this are not judged (default 60)
          --max-slope MB          largest allowed growth after warm-up, MB per minute, of the least-squares line
                                  through the samples (default 2)
          --max-drift PCT         largest allowed difference between the last minute's mean and the mean of the
                                  minute after warm-up, in % of the latter (default 10)
          --samples FILE          also write every memory sample to FILE (CSV)
        Memory flatness is judged only when the run lasts at least warm-up + 2 minutes; shorter runs report it.
        """;

    public int Sockets { get; init; } = 5000;

    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(10);

    public double DeflateShare { get; init; } = 0.25;

    /// <summary>Messages per second over all sockets; null means one message per socket every 5 seconds.</summary>
    public double? Rate { get; init; }

    public int MaxPayload { get; init; } = 8192;

    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan FullGcInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Payload bytes each deflate socket sends before the clock starts (zlib state touches its pages as data flows).</summary>
    public int PrimeBytes { get; init; } = 128 * 1024;

    public TimeSpan Warmup { get; init; } = TimeSpan.FromMinutes(1);

    public double MaxSlopeMegabytesPerMinute { get; init; } = 2;

    public double MaxDriftPercent { get; init; } = 10;

    public string? SamplesFile { get; init; }

    public double MessagesPerSecond => Rate ?? Sockets / 5.0;

    /// <summary>How long each socket waits between its messages.</summary>
    public TimeSpan SendInterval => TimeSpan.FromSeconds(Sockets / MessagesPerSecond);

    public int DeflateSockets => CountDeflate(Sockets, DeflateShare);

    /// <summary>Flatness needs the minute after warm-up and a last minute that does not overlap it.</summary>
    public bool JudgesFlatness => Duration >= Warmup + TimeSpan.FromMinutes(2);

    /// <summary>Spreads the deflate share evenly over the sockets: socket i deflates when floor((i+1)F) passes floor(iF).</summary>
    public bool UsesDeflate(int socket) => Math.Floor((socket + 1) * DeflateShare) > Math.Floor(socket * DeflateShare);

    private static int CountDeflate(int sockets, double share) => (int)Math.Floor(sockets * share);

    public static SoakOptions Parse(IReadOnlyList<string> args)
    {
        var options = new SoakOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.\n{Usage}");
            double Number() => double.Parse(Value(), CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--sockets" => options with { Sockets = (int)Positive(Number(), "--sockets") },
                "--minutes" => options with { Duration = TimeSpan.FromMinutes(Positive(Number(), "--minutes")) },
                "--seconds" => options with { Duration = TimeSpan.FromSeconds(Positive(Number(), "--seconds")) },
                "--deflate-share" => options with { DeflateShare = Share(Number()) },
                "--rate" => options with { Rate = Positive(Number(), "--rate") },
                "--max-payload" => options with { MaxPayload = (int)Positive(Number(), "--max-payload") },
                "--sample-seconds" => options with { SampleInterval = TimeSpan.FromSeconds(Positive(Number(), "--sample-seconds")) },
                "--gc-seconds" => options with { FullGcInterval = TimeSpan.FromSeconds(Positive(Number(), "--gc-seconds")) },
                "--prime-kib" => options with { PrimeBytes = (int)(NotNegative(Number(), "--prime-kib") * 1024) },
                "--warmup-seconds" => options with { Warmup = TimeSpan.FromSeconds(Positive(Number(), "--warmup-seconds")) },
                "--max-slope" => options with { MaxSlopeMegabytesPerMinute = Positive(Number(), "--max-slope") },
                "--max-drift" => options with { MaxDriftPercent = Positive(Number(), "--max-drift") },
                "--samples" => options with { SamplesFile = Value() },
                _ => throw new ArgumentException($"Unknown argument '{args[i]}'.\n{Usage}"),
            };
        }

        return options;
    }

    private static double Positive(double value, string name)
        => value > 0 && double.IsFinite(value) ? value : throw new ArgumentException($"{name} must be positive.");

    private static double NotNegative(double value, string name)
        => value >= 0 && double.IsFinite(value) ? value : throw new ArgumentException($"{name} must not be negative.");

    private static double Share(double value)
        => value is >= 0 and <= 1 ? value : throw new ArgumentException("--deflate-share must lie between 0 and 1.");
}
