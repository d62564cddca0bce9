using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Workbench.Web.Workers;

/// <summary>
/// First come, first served turns for changing what a worker holds: one load or unload at a time per worker, in
/// arrival order. Answers do not take turns; they wait for a slot of their own model (<see cref="ModelSlots"/>).
/// </summary>
public sealed class WorkerTurns
{
    private readonly ConcurrentDictionary<string, TurnLine> _lines = new();

    /// <summary>How many requests wait for this worker (not counting the one being served).</summary>
    public int Waiting(string connectionId) => _lines.TryGetValue(connectionId, out var line) ? line.Waiting : 0;

    /// <summary>Waits for this worker's turn; dispose the result to hand the turn on.</summary>
    public async Task<IAsyncDisposable> WaitAsync(string connectionId, CancellationToken cancellationToken)
    {
        var line = _lines.GetOrAdd(connectionId, _ => new TurnLine());
        Interlocked.Increment(ref line.WaitingCount);
        try
        {
            // A channel's waiting readers are served in arrival order: a fair lock with cancellation.
            await line.Token.Reader.ReadAsync(cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref line.WaitingCount);
        }

        return new Turn(() => line.Token.Writer.TryWrite(true));
    }

    /// <summary>Forgets a worker that disconnected.</summary>
    public void Forget(string connectionId) => _lines.TryRemove(connectionId, out _);

    private sealed class TurnLine
    {
        public TurnLine() => Token.Writer.TryWrite(true);

        public Channel<bool> Token { get; } = Channel.CreateBounded<bool>(1);

        public int WaitingCount;

        public int Waiting => Volatile.Read(ref WaitingCount);
    }

    private sealed class Turn(Action release) : IAsyncDisposable
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
