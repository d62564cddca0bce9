using System.Collections.Concurrent;

namespace Workbench.Worker.Runtime;

/// <summary>Running generations by request id, so a cancel from the dashboard reaches the right one.</summary>
public sealed class GenerationRegistry
{
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> _running = new();

    /// <summary>Registers a generation; dispose the returned source when it ends.</summary>
    public CancellationTokenSource Start(Guid requestId, CancellationToken linkedTo)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(linkedTo);
        if (!_running.TryAdd(requestId, source))
        {
            source.Dispose();
            throw new InvalidOperationException($"Generation {requestId} is already running.");
        }

        return source;
    }

    /// <summary>Forgets a finished generation.</summary>
    public void Finish(Guid requestId)
    {
        if (_running.TryRemove(requestId, out var source))
        {
            source.Dispose();
        }
    }

    /// <summary>Cancels one generation; false if it is unknown or already finished.</summary>
    public bool Cancel(Guid requestId)
    {
        if (_running.TryGetValue(requestId, out var source))
        {
            try
            {
                source.Cancel();
                return true;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>Cancels everything, e.g. when the dashboard connection is lost.</summary>
    public void CancelAll()
    {
        foreach (var id in _running.Keys)
        {
            Cancel(id);
        }
    }
}
