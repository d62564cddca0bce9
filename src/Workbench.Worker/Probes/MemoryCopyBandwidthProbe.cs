using System.Diagnostics;
using Workbench.Core.Hardware;

namespace Workbench.Worker.Probes;

/// <summary>
/// RAM bandwidth from timed copies between two buffers larger than the CPU's cache, on one thread. A first pass writes
/// the source (unwritten pages all map to one shared zero page, which would be read from cache) and faults the target
/// in; later passes time each 1 MiB chunk and the median chunk is the figure, so a chunk during which the thread was
/// preempted on a busy machine does not drag it down. Chunks check a deadline, so the whole measurement stays within
/// its time budget. Measured once per process and then remembered.
/// </summary>
public sealed class MemoryCopyBandwidthProbe : IMemoryBandwidthProbe
{
    /// <summary>Default time budget, first touch of the buffers included.</summary>
    public static readonly TimeSpan DefaultBudget = TimeSpan.FromMilliseconds(200);

    private const int ChunkBytes = 1 << 20;
    private const int LeastTimedChunks = 8;
    private readonly TimeSpan _budget;
    private readonly int _bufferBytes;
    private readonly Lazy<long?> _measured;
    private int _measurements;

    /// <summary>A probe copying 32 MiB buffers (beyond the last-level cache of most desktop CPUs) within <see cref="DefaultBudget"/>.</summary>
    public MemoryCopyBandwidthProbe()
        : this(DefaultBudget, 32 << 20)
    {
    }

    /// <summary>A probe with another budget and buffer size (tests).</summary>
    internal MemoryCopyBandwidthProbe(TimeSpan budget, int bufferBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferBytes, ChunkBytes);
        _budget = budget;
        _bufferBytes = bufferBytes / ChunkBytes * ChunkBytes;
        _measured = new Lazy<long?>(Measure);
    }

    /// <summary>How many times the copies ran (tests: the figure is remembered).</summary>
    internal int Measurements => Volatile.Read(ref _measurements);

    /// <inheritdoc/>
    public long? MeasureBytesPerSecond() => _measured.Value;

    private long? Measure()
    {
        Interlocked.Increment(ref _measurements);
        var started = Stopwatch.GetTimestamp();
        var chunks = _bufferBytes / ChunkBytes;
        var rates = new List<double>();
        var source = GC.AllocateUninitializedArray<byte>(_bufferBytes);
        var target = GC.AllocateUninitializedArray<byte>(_bufferBytes);
        try
        {
            for (var index = 0; Stopwatch.GetElapsedTime(started) < _budget; index++)
            {
                var chunk = index % chunks;
                var from = source.AsSpan(chunk * ChunkBytes, ChunkBytes);
                var to = target.AsSpan(chunk * ChunkBytes, ChunkBytes);
                if (index < chunks)
                {
                    from.Fill((byte)chunk);
                    from.CopyTo(to);
                    continue;
                }

                var before = Stopwatch.GetTimestamp();
                from.CopyTo(to);
                var seconds = Stopwatch.GetElapsedTime(before).TotalSeconds;
                if (seconds > 0)
                {
                    // Each byte is read once and written once.
                    rates.Add(2.0 * ChunkBytes / seconds);
                }
            }
        }
        finally
        {
            source = target = null;
            // Free the buffers soon (the worker's RAM is for models) without waiting here: a background collection.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: false);
        }

        return rates.Count < LeastTimedChunks ? null : (long)rates.Order().ElementAt(rates.Count / 2);
    }
}
