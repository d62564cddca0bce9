namespace Workbench.Worker.Runtime;

/// <summary>
/// The logger llama.cpp writes to: forwards every line to the worker's log and, while a load is being
/// measured, to its <see cref="LlamaBufferLog"/>. Loads run one at a time, so one capture at a time suffices.
/// </summary>
public sealed class LlamaLogRelay(ILogger inner) : ILogger
{
    // llama.cpp says why a load failed only in its log ("error loading model vocabulary: cannot find tokenizer
    // merges"); the last few error lines are kept so the failure can carry them.
    private const int RecentErrorCapacity = 4;
    private readonly Queue<string> _recentErrors = new();
    private volatile LlamaBufferLog? _capture;

    /// <summary>The error lines llama.cpp logged since the last call, oldest first, and forgets them.</summary>
    public IReadOnlyList<string> TakeRecentErrors()
    {
        lock (_recentErrors)
        {
            var lines = _recentErrors.ToList();
            _recentErrors.Clear();
            return lines;
        }
    }

    /// <summary>Sends buffer lines to <paramref name="capture"/> until the returned scope is disposed.</summary>
    public IDisposable Capture(LlamaBufferLog capture)
    {
        _capture = capture;
        return new Scope(this);
    }

    /// <inheritdoc />
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => inner.BeginScope(state);

    /// <inheritdoc />
    public bool IsEnabled(LogLevel logLevel) => true;

    /// <inheritdoc />
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        var line = formatter(state, exception);
        _capture?.Add(line);
        if (logLevel >= LogLevel.Error && line.Trim() is { Length: > 0 } error)
        {
            lock (_recentErrors)
            {
                _recentErrors.Enqueue(error);
                while (_recentErrors.Count > RecentErrorCapacity)
                {
                    _recentErrors.Dequeue();
                }
            }
        }

        if (inner.IsEnabled(logLevel))
        {
            inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }

    private sealed class Scope(LlamaLogRelay relay) : IDisposable
    {
        public void Dispose() => relay._capture = null;
    }
}
