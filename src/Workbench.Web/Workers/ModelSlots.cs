using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Workbench.Web.Workers;

/// <summary>
/// First come, first served slots of each resident model: as many answers run at once as the model decodes
/// together, later requests wait in arrival order, and a request for one model never waits behind another model.
/// </summary>
public sealed class ModelSlots
{
    private readonly ConcurrentDictionary<(string Connection, string Model, int Slots), SlotLine> _lines = new();

    /// <summary>Requests waiting for a slot of this model.</summary>
    public int Waiting(string connectionId, string modelPath) =>
        _lines.Where(l => l.Key.Connection == connectionId && l.Key.Model == modelPath).Sum(l => l.Value.Waiting);

    /// <summary>Waits for a slot; dispose the result to free it. <paramref name="ahead"/> hears the queue length on arrival.</summary>
    public async Task<IAsyncDisposable> WaitAsync(string connectionId, string modelPath, int slots, Action<int>? ahead, CancellationToken cancellationToken)
    {
        var line = _lines.GetOrAdd((connectionId, modelPath, Math.Max(1, slots)), key => new SlotLine(key.Slots));
        var waitingBefore = Interlocked.Increment(ref line.WaitingCount) - 1;
        try
        {
            if (!line.Tokens.Reader.TryRead(out _))
            {
                ahead?.Invoke(waitingBefore + 1);
                // A channel's waiting readers are served in arrival order: a fair semaphore with cancellation.
                await line.Tokens.Reader.ReadAsync(cancellationToken);
            }
        }
        finally
        {
            Interlocked.Decrement(ref line.WaitingCount);
        }

        return new Slot(() => line.Tokens.Writer.TryWrite(true));
    }

    /// <summary>Forgets a worker that disconnected.</summary>
    public void Forget(string connectionId)
    {
        foreach (var key in _lines.Keys.Where(k => k.Connection == connectionId))
        {
            _lines.TryRemove(key, out _);
        }
    }

    private sealed class SlotLine
    {
        public SlotLine(int slots)
        {
            Tokens = Channel.CreateBounded<bool>(slots);
            for (var i = 0; i < slots; i++)
            {
                Tokens.Writer.TryWrite(true);
            }
        }

        public Channel<bool> Tokens { get; }

        public int WaitingCount;

        public int Waiting => Volatile.Read(ref WaitingCount);
    }

    private sealed class Slot(Action release) : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                release();
            }

            return ValueTask.CompletedTask;
        }
    }
}
