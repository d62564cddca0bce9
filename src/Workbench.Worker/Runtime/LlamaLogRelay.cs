namespace Workbench.Worker.Runtime;

/// <summary>
/// The logger llama.cpp writes to: forwards every line to the worker's log and, while a load is being
/// measured, to its <see cref="LlamaBufferLog"/>. Loads run one at a time, so one capture at a time suffices.
/// </summary>
public sealed class LlamaLogRelay(ILogger inner) : ILogger
{
    private volatile LlamaBufferLog? _capture;

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
        _capture?.Add(formatter(state, exception));
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
