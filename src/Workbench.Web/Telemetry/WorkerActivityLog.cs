namespace Workbench.Web.Telemetry;

/// <summary>What a worker was doing, for marking the telemetry charts' time axis.</summary>
public enum WorkerActivity
{
    /// <summary>Nothing.</summary>
    Idle,

    /// <summary>Loading a model.</summary>
    Loading,

    /// <summary>Reading the prompt, before the first token.</summary>
    Prompt,

    /// <summary>Producing tokens.</summary>
    Generating,
}

/// <summary>One stretch of activity on a worker host; <see cref="End"/> is null while it lasts.</summary>
public sealed record WorkerActivitySpan(string Host, WorkerActivity Activity, DateTimeOffset Start, DateTimeOffset? End);

/// <summary>
/// The recent loads, prompts and generations of each worker host (bounded), so the charts can show them on
/// the same time axis as CPU, RAM and VRAM.
/// </summary>
public sealed class WorkerActivityLog(TimeProvider time)
{
    /// <summary>Spans kept; older ones are dropped.</summary>
    public const int Capacity = 500;

    private readonly Lock _gate = new();
    private readonly LinkedList<WorkerActivitySpan> _spans = new();

    /// <summary>Raised when a span starts or ends, so a "what is it doing now" label need not wait for the next sample.</summary>
    public event Action? Changed;

    /// <summary>Starts a span; dispose the result to end it (idempotent).</summary>
    public IDisposable Begin(string host, WorkerActivity activity)
    {
        LinkedListNode<WorkerActivitySpan> node;
        lock (_gate)
        {
            node = _spans.AddLast(new WorkerActivitySpan(host, activity, time.GetUtcNow(), null));
            if (_spans.Count > Capacity)
            {
                _spans.RemoveFirst();
            }
        }

        Changed?.Invoke();
        return new Ending(this, node);
    }

    /// <summary>The spans of a host that overlap the time since <paramref name="since"/>, oldest first.</summary>
    public IReadOnlyList<WorkerActivitySpan> Since(string host, DateTimeOffset since)
    {
        lock (_gate)
        {
            return [.. _spans.Where(s => s.Host == host && (s.End is null || s.End >= since))];
        }
    }

    /// <summary>What <paramref name="spans"/> say the host was doing at <paramref name="at"/> (the latest-started span wins).</summary>
    public static WorkerActivity At(IReadOnlyList<WorkerActivitySpan> spans, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(spans);
        for (var i = spans.Count - 1; i >= 0; i--)
        {
            if (spans[i].Start <= at && (spans[i].End is null || spans[i].End >= at))
            {
                return spans[i].Activity;
            }
        }

        return WorkerActivity.Idle;
    }

    /// <summary>How many of <paramref name="spans"/> of <paramref name="activity"/> were open at <paramref name="at"/> (answers generated side by side).</summary>
    public static int CountAt(IReadOnlyList<WorkerActivitySpan> spans, WorkerActivity activity, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(spans);
        return spans.Count(s => s.Activity == activity && s.Start <= at && (s.End is null || s.End >= at));
    }

    private void Close(LinkedListNode<WorkerActivitySpan> node)
    {
        bool closed;
        lock (_gate)
        {
            closed = node.List is not null && node.Value.End is null;
            if (closed)
            {
                node.Value = node.Value with { End = time.GetUtcNow() };
            }
        }

        if (closed)
        {
            Changed?.Invoke();
        }
    }

    private sealed class Ending(WorkerActivityLog log, LinkedListNode<WorkerActivitySpan> node) : IDisposable
    {
        public void Dispose() => log.Close(node);
    }
}
