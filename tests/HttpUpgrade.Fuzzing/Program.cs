using System;
using System.Collections.Generic;
using System.IO;
using HttpUpgrade;
using HttpUpgrade.Fuzzing;
using SharpFuzz;

// Usage (run-campaign.sh drives the first form under afl-fuzz; docs/fuzzing.md has the commands):
//   dotnet HttpUpgrade.Fuzzing.dll <harness>                 one input on stdin, or AFL's fork server under afl-fuzz
//   dotnet HttpUpgrade.Fuzzing.dll <harness> --in-process    AFL's persistent loop in this process (faster; a hang ends the campaign)
//   dotnet HttpUpgrade.Fuzzing.dll --run <harness> <file>... replay inputs in-process and print what each does
//   dotnet HttpUpgrade.Fuzzing.dll --self-test [corpus]      every harness once over every seed of the corpus
//   dotnet HttpUpgrade.Fuzzing.dll --describe <file>...      what each negotiator answers to a request head
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine($"usage: HttpUpgrade.Fuzzing <{string.Join('|', Harnesses.All.Keys)}> [--in-process] | --run <harness> <file>... | --describe <file>... | --self-test [corpus-folder]");
    return args.Length == 0 ? 2 : 0;
}

if (args[0] == "--self-test")
{
    string corpus = args.Length > 1 ? args[1] : FindCorpus();
    foreach ((string name, int count) in Harnesses.SelfTest(corpus))
    {
        Console.WriteLine($"{name}: {count} inputs passed");
    }

    return 0;
}

if (args[0] == "--describe")
{
    foreach (string file in args[1..])
    {
        RequestHead head = RequestHead.Parse(File.ReadAllBytes(file));
        Console.WriteLine($"{file}: {head.Method} {head.HttpVersion}");
        foreach ((string name, UpgradeNegotiator negotiator) in Negotiators.All)
        {
            Console.WriteLine($"  [{name}] {DecisionInvariants.Describe(negotiator.Negotiate(head))}");
        }
    }

    return 0;
}

if (args[0] == "--run")
{
    Action<byte[]> replay = Harness(args.Length > 1 ? args[1] : string.Empty);
    int failed = 0;
    for (int i = 2; i < args.Length; i++)
    {
        try
        {
            replay(File.ReadAllBytes(args[i]));
            Console.WriteLine($"ok    {args[i]}");
        }
        catch (Exception exception)
        {
            failed++;
            Console.WriteLine($"FAIL  {args[i]}\n{exception}");
        }
    }

    return failed == 0 ? 0 : 1;
}

Action<byte[]> harness = Harness(args[0]);
Action<Stream> run = stream =>
{
    using var input = new MemoryStream();
    stream.CopyTo(input);
    harness(input.ToArray());
};

// Out of process by default: a child runs the inputs, so a hang or a stack overflow is reported as such and the
// campaign goes on with a new child.
if (Array.IndexOf(args, "--in-process") > 0)
{
    Fuzzer.Run(run);
}
else
{
    Fuzzer.OutOfProcess.Run(run);
}

return 0;

static Action<byte[]> Harness(string name)
    => Harnesses.All.TryGetValue(name, out Action<byte[]>? harness)
        ? harness
        : throw new ArgumentException($"No harness is named '{name}'; the harnesses are {string.Join(", ", Harnesses.All.Keys)}.", nameof(name));

// The corpus kept in the repository, found from the build output (bin/... or a publish folder under the project).
static string FindCorpus()
{
    for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
    {
        foreach (string candidate in (IEnumerable<string>)[Path.Combine(directory.FullName, "Corpus"), Path.Combine(directory.FullName, "tests", "HttpUpgrade.Fuzzing", "Corpus")])
        {
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }
    }

    throw new DirectoryNotFoundException($"No Corpus folder above {AppContext.BaseDirectory}; pass one to --self-test.");
}
