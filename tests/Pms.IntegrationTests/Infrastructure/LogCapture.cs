using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Pms.IntegrationTests.Infrastructure;

/// <summary>One line PMS logged.</summary>
public sealed record CapturedLog(LogLevel Level, string Category, EventId EventId, string Message, Exception? Exception)
{
    public override string ToString() =>
        $"{Level} {Category}[{EventId.Id} {EventId.Name}]: {Message}{(Exception is null ? "" : $" ({Exception.GetType().Name}: {Exception.Message})")}";
}

/// <summary>Keeps what PMS logs in the test host, so a test can check what an operator would read.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLog> _lines = new();

    public IReadOnlyList<CapturedLog> Lines => [.. _lines];

    /// <summary>Lines at <paramref name="level"/> or above logged since the <paramref name="mark"/> (a count of <see cref="Lines"/>).</summary>
    public IReadOnlyList<CapturedLog> Since(int mark, LogLevel level) => [.. _lines.Skip(mark).Where(l => l.Level >= level)];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            capture._lines.Enqueue(new CapturedLog(logLevel, category, eventId, formatter(state, exception), exception));
    }
}
