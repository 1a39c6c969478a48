using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace HttpUpgrade.AspNetCore.Tests;

/// <summary>One log entry as the app wrote it.</summary>
public sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception);

/// <summary>A logger provider that keeps every entry in memory so tests can assert what the server logged.</summary>
public sealed class RecordingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyCollection<LogEntry> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new RecordingLogger(this, categoryName);

    public void Dispose()
    {
    }

    /// <summary>Waits briefly for an entry with the event name <paramref name="eventName"/> that matches <paramref name="predicate"/>.</summary>
    public Task<LogEntry> WaitForAsync(string eventName, Func<LogEntry, bool> predicate) => WaitForAsync(eventName, predicate, TimeSpan.FromSeconds(5));

    /// <summary>Waits up to <paramref name="timeout"/> for an entry with the event name <paramref name="eventName"/> that matches <paramref name="predicate"/>.</summary>
    public async Task<LogEntry> WaitForAsync(string eventName, Func<LogEntry, bool> predicate, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow.Add(timeout);
        while (true)
        {
            LogEntry? entry = _entries.FirstOrDefault(e => e.EventId.Name == eventName && predicate(e));
            if (entry is not null)
            {
                return entry;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No '{eventName}' log entry matched. Logged events: {string.Join(", ", _entries.Select(e => e.EventId.Name))}");
            }

            await Task.Delay(20);
        }
    }

    private sealed class RecordingLogger(RecordingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
            => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => provider._entries.Enqueue(new LogEntry(category, logLevel, eventId, formatter(state, exception), exception));
    }
}
