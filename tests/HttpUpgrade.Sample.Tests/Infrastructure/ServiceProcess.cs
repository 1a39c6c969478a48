using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace HttpUpgrade.Sample.Tests.Infrastructure;

/// <summary>
/// A server program the tests start (redis-server, nginx, the sample), with every line it prints kept, stopped by its
/// PID: SIGTERM first where the program shuts its children down on it (nginx's master stops its workers), SIGKILL after.
/// </summary>
public sealed class ServiceProcess : IDisposable
{
    private const int SigTerm = 15;

    private readonly ConcurrentQueue<string> _output = new();
    private readonly Process _process;
    private readonly string _name;

    private ServiceProcess(Process process, string name)
    {
        _process = process;
        _name = name;
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output => string.Join("\n", _output);

    public IReadOnlyList<string> Lines => _output.ToArray();

    public static ServiceProcess Start(string fileName, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach ((string key, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        }
        catch (Win32Exception exception)
        {
            throw new InvalidOperationException($"'{fileName}' is required for this test; .ci/run installs it.", exception);
        }

        var service = new ServiceProcess(process, fileName);
        process.OutputDataReceived += (_, line) => service.OnLine(line.Data);
        process.ErrorDataReceived += (_, line) => service.OnLine(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
    }

    /// <summary>Waits until a printed line contains <paramref name="text"/> (counting from line <paramref name="skip"/>) and returns it.</summary>
    public async Task<string> WaitForLineAsync(string text, TimeSpan timeout, int skip = 0)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            string? line = _output.Skip(skip).FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal));
            if (line is not null)
            {
                return line;
            }

            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{_name} exited ({_process.ExitCode}) before printing '{text}'. Output:\n{Output}");
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"{_name} printed no line containing '{text}' within {timeout}. Output:\n{Output}");
    }

    /// <summary>Asks the process to stop (SIGTERM) and waits; kills it if it is still there after <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return;
        }

        if (OperatingSystem.IsWindows() || Kill(_process.Id, SigTerm) != 0)
        {
            _process.Kill(entireProcessTree: true);
        }

        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>Kills the process outright (SIGKILL), as a crash or an OOM kill would, and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }

    // kill(2): .NET's Process.Kill only sends SIGKILL, which would leave nginx's workers behind.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
