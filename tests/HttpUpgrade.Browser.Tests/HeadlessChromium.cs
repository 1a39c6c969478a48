using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;

namespace HttpUpgrade.Browser.Tests;

/// <summary>
/// Debian's headless Chromium, driven over the Chrome DevTools Protocol: a browser process of its own with a fresh
/// profile, and one page whose JavaScript the tests evaluate.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _devTools = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly StringBuilder _browserOutput = new();
    private Task? _receiving;
    private int _nextId;
    private string _session = "";

    private HeadlessChromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>Where Chromium is: CHROMIUM_PATH, else Debian's /usr/bin/chromium.</summary>
    public static string ExecutablePath => Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>Starts Chromium and opens <paramref name="url"/> in a new page.</summary>
    public static async Task<HeadlessChromium> LaunchAsync(Uri url, CancellationToken cancellationToken)
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"Chromium is not installed at {ExecutablePath}: `apt-get install chromium` (.ci/run does).");
        }

        string profile = Directory.CreateTempSubdirectory("httpupgrade-chromium-").FullName;
        var start = new ProcessStartInfo(ExecutablePath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage",

            // The sample's HTTPS certificate is self-signed by the test.
            "--ignore-certificate-errors",
            "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
            "--user-data-dir=" + profile,
            "about:blank",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Chromium did not start.");
        var browser = new HeadlessChromium(process, profile);
        process.OutputDataReceived += (_, line) => browser.Record(line.Data);
        process.ErrorDataReceived += (_, line) => browser.Record(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await browser.ConnectAsync(cancellationToken);
            JsonElement target = await browser.SendAsync("Target.createTarget", new JsonObject { ["url"] = url.ToString() }, cancellationToken);
            JsonElement attached = await browser.SendAsync(
                "Target.attachToTarget",
                new JsonObject { ["targetId"] = target.GetProperty("targetId").GetString(), ["flatten"] = true },
                cancellationToken);
            browser._session = attached.GetProperty("sessionId").GetString()!;
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    /// <summary>What the browser process printed, for failure messages.</summary>
    public string BrowserOutput
    {
        get
        {
            lock (_browserOutput)
            {
                return _browserOutput.ToString();
            }
        }
    }

    /// <summary>Evaluates <paramref name="expression"/> in the page, awaiting a promise, and returns its JSON value.</summary>
    public async Task<JsonElement> EvaluateAsync(string expression, CancellationToken cancellationToken)
    {
        JsonElement result = await SendAsync(
            "Runtime.evaluate",
            new JsonObject { ["expression"] = expression, ["awaitPromise"] = true, ["returnByValue"] = true },
            cancellationToken,
            _session);
        if (result.TryGetProperty("exceptionDetails", out JsonElement exception))
        {
            throw new InvalidOperationException($"The page threw: {exception}");
        }

        JsonElement value = result.GetProperty("result");
        return value.TryGetProperty("value", out JsonElement json) ? json.Clone() : default;
    }

    /// <summary>Evaluates <paramref name="condition"/> until it is true.</summary>
    public async Task WaitUntilAsync(string condition, CancellationToken cancellationToken)
    {
        while (true)
        {
            JsonElement value = await EvaluateAsync(condition, cancellationToken);
            if (value.ValueKind == JsonValueKind.True)
            {
                return;
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        _devTools.Abort();
        _devTools.Dispose();
        if (_receiving is not null)
        {
            await _receiving;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _stopping.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // Chromium's last writes may still be landing; the temp folder is reclaimed later.
        }
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_browserOutput)
        {
            _browserOutput.AppendLine(line);
        }
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        // Chromium writes the port it chose, and the browser target's path, to DevToolsActivePort in the profile.
        string portFile = Path.Combine(_profile, "DevToolsActivePort");
        string[] lines;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Chromium exited with {_process.ExitCode}:\n{BrowserOutput}");
            }

            if (File.Exists(portFile) && (lines = await File.ReadAllLinesAsync(portFile, cancellationToken)).Length >= 2)
            {
                break;
            }

            await Task.Delay(50, cancellationToken);
        }

        await _devTools.ConnectAsync(new Uri($"ws://127.0.0.1:{lines[0].Trim()}{lines[1].Trim()}"), cancellationToken);
        _receiving = ReceiveAllAsync();
    }

    private async Task<JsonElement> SendAsync(string method, JsonObject parameters, CancellationToken cancellationToken, string? session = null)
    {
        int id = Interlocked.Increment(ref _nextId);
        var completion = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = completion;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters };
        if (session is not null)
        {
            message["sessionId"] = session;
        }

        await _devTools.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        using CancellationTokenRegistration registration = cancellationToken.Register(() => completion.TrySetCanceled(cancellationToken));
        return await completion.Task;
    }

    private async Task ReceiveAllAsync()
    {
        byte[] buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                ValueWebSocketReceiveResult received = await _devTools.ReceiveAsync(buffer.AsMemory(), _stopping.Token);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                message.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage)
                {
                    continue;
                }

                using (JsonDocument document = JsonDocument.Parse(message.GetBuffer().AsMemory(0, (int)message.Length)))
                {
                    JsonElement root = document.RootElement;
                    if (root.TryGetProperty("id", out JsonElement id) && _pending.TryRemove(id.GetInt32(), out TaskCompletionSource<JsonElement>? completion))
                    {
                        if (root.TryGetProperty("error", out JsonElement error))
                        {
                            completion.TrySetException(new InvalidOperationException($"DevTools error: {error}"));
                        }
                        else
                        {
                            completion.TrySetResult(root.GetProperty("result").Clone());
                        }
                    }
                }

                message.SetLength(0);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The browser went away or the test is done with it.
        }

        foreach (TaskCompletionSource<JsonElement> completion in _pending.Values)
        {
            completion.TrySetException(new InvalidOperationException($"The DevTools connection closed. Browser output:\n{BrowserOutput}"));
        }
    }
}
