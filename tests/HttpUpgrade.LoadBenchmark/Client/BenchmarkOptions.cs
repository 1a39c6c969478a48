using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace HttpUpgrade.LoadBenchmark;

/// <summary>
/// What to run. Three modes set everything; single settings can be overridden after the mode.
/// <list type="bullet">
/// <item><c>full</c> (default): 5 pairs of 10-second runs at each concurrency, 3 pairs of idle-socket measurements.</item>
/// <item><c>--quick</c>: 2 pairs of 2-second runs, 1 idle pair; well under a minute on a 2-core machine.</item>
/// <item><c>--smoke</c>: a few seconds; shows that both servers start, upgrade and are reported. CI runs this.</item>
/// </list>
/// </summary>
internal sealed record BenchmarkOptions
{
    public const string Usage = """
        usage: dotnet run -c Release --project tests/HttpUpgrade.LoadBenchmark/Client -- [mode] [settings]
          modes:     (none) full run, --quick (under a minute), --smoke (seconds; what CI runs)
          servers:   A is MapUpgrade through Kestrel's HTTP engine; with --fast-path, the same app with
                     ConfigureEndpointDefaults(l => l.UseUpgradeFastPath()) (HTTPUPGRADE_FAST_PATH=1). B is UseWebSockets.
          settings:  --fast-path         A answers handshakes from the connection (results named NAME-fastpath)
                     --pairs N           A/B pairs per concurrency
                     --duration S        measured seconds per run
                     --warmup S          unmeasured seconds before each run
                     --concurrency 1,16,64
                     --idle-sockets N    idle upgraded sockets held open for the working-set measurement
                     --idle-pairs N      A/B pairs of that measurement (each on freshly started servers)
                     --results DIR       where NAME.json, NAME-runs.csv and NAME-ratios.csv go
                     --name NAME         file name stem (default: the mode)
                     --cpu-hog N         N spinning processes beside the measured runs (a busy machine)
        """;

    public required string Mode { get; init; }

    public required string Name { get; init; }

    public required int[] Concurrency { get; init; }

    public required int Pairs { get; init; }

    public required TimeSpan Duration { get; init; }

    public required TimeSpan Warmup { get; init; }

    /// <summary>Load on each server right after it starts, at the highest concurrency, so the JIT has settled before any run.</summary>
    public required TimeSpan InitialWarmup { get; init; }

    public required int IdleSockets { get; init; }

    public required int IdlePairs { get; init; }

    /// <summary>How long the idle sockets sit before the working set is read.</summary>
    public required TimeSpan IdleSettle { get; init; }

    public string? ResultsDirectory { get; init; }

    /// <summary>Whether server A runs with the connection-level fast path (<c>UseUpgradeFastPath</c>).</summary>
    public bool FastPath { get; init; }

    /// <summary>How many spinning processes run beside the measured runs (<see cref="CpuHog"/>); 0 for none.</summary>
    public int CpuHogs { get; init; }

    public bool IsSmoke => Mode == "smoke";

    public static BenchmarkOptions Parse(IReadOnlyList<string> args)
    {
        string mode = args.Contains("--smoke") ? "smoke" : args.Contains("--quick") ? "quick" : "full";
        BenchmarkOptions options = mode switch
        {
            "smoke" => new BenchmarkOptions
            {
                Mode = mode,
                Name = mode,
                Concurrency = [1, 16, 64],
                Pairs = 1,
                Duration = TimeSpan.FromSeconds(0.3),
                Warmup = TimeSpan.FromSeconds(0.1),
                InitialWarmup = TimeSpan.FromSeconds(0.3),
                IdleSockets = 50,
                IdlePairs = 1,
                IdleSettle = TimeSpan.FromSeconds(0.1),
            },
            "quick" => new BenchmarkOptions
            {
                Mode = mode,
                Name = mode,
                Concurrency = [1, 16, 64],
                Pairs = 2,
                Duration = TimeSpan.FromSeconds(2),
                Warmup = TimeSpan.FromSeconds(0.5),
                InitialWarmup = TimeSpan.FromSeconds(1.5),
                IdleSockets = 1000,
                IdlePairs = 1,
                IdleSettle = TimeSpan.FromSeconds(0.5),
            },
            _ => new BenchmarkOptions
            {
                Mode = mode,
                Name = mode,
                Concurrency = [1, 16, 64],
                Pairs = 5,
                Duration = TimeSpan.FromSeconds(10),
                Warmup = TimeSpan.FromSeconds(1),
                InitialWarmup = TimeSpan.FromSeconds(3),
                IdleSockets = 1000,
                IdlePairs = 3,
                IdleSettle = TimeSpan.FromSeconds(1),
            },
        };

        for (int i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.\n{Usage}");
            options = args[i] switch
            {
                "--smoke" or "--quick" => options,
                "--fast-path" => options with { FastPath = true, Name = options.Name == options.Mode ? options.Mode + "-fastpath" : options.Name },
                "--pairs" => options with { Pairs = Positive(int.Parse(Value(), CultureInfo.InvariantCulture), "--pairs") },
                "--duration" => options with { Duration = Seconds(Value(), "--duration") },
                "--warmup" => options with { Warmup = Seconds(Value(), "--warmup") },
                "--concurrency" => options with
                {
                    Concurrency = Value().Split(',').Select(c => Positive(int.Parse(c, CultureInfo.InvariantCulture), "--concurrency")).ToArray(),
                },
                "--idle-sockets" => options with { IdleSockets = Positive(int.Parse(Value(), CultureInfo.InvariantCulture), "--idle-sockets") },
                "--idle-pairs" => options with { IdlePairs = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--results" => options with { ResultsDirectory = Value() },
                "--name" => options with { Name = Value() },
                "--cpu-hog" => options with { CpuHogs = Positive(int.Parse(Value(), CultureInfo.InvariantCulture), "--cpu-hog") },
                _ => throw new ArgumentException($"Unknown argument '{args[i]}'.\n{Usage}"),
            };
        }

        return options;
    }

    private static int Positive(int value, string name)
        => value > 0 ? value : throw new ArgumentException($"{name} must be positive.");

    private static TimeSpan Seconds(string value, string name)
    {
        double seconds = double.Parse(value, CultureInfo.InvariantCulture);
        return seconds > 0 ? TimeSpan.FromSeconds(seconds) : throw new ArgumentException($"{name} must be positive.");
    }
}
