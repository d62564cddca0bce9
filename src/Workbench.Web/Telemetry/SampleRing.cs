using Workbench.Core.Telemetry;

namespace Workbench.Web.Telemetry;

/// <summary>The last <c>capacity</c> samples of one worker host, oldest overwritten first. Thread-safe.</summary>
internal sealed class SampleRing(int capacity)
{
    private readonly TelemetrySample[] _items = new TelemetrySample[Math.Max(1, capacity)];
    private readonly Lock _lock = new();
    private int _next;
    private int _count;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    public TelemetrySample? Latest
    {
        get
        {
            lock (_lock)
            {
                return _count == 0 ? null : _items[(_next - 1 + _items.Length) % _items.Length];
            }
        }
    }

    public void Add(TelemetrySample sample)
    {
        lock (_lock)
        {
            _items[_next] = sample;
            _next = (_next + 1) % _items.Length;
            _count = Math.Min(_count + 1, _items.Length);
        }
    }

    /// <summary>Samples taken after <paramref name="since"/>, oldest first.</summary>
    public IReadOnlyList<TelemetrySample> Since(DateTimeOffset since)
    {
        lock (_lock)
        {
            var result = new List<TelemetrySample>(_count);
            var start = (_next - _count + _items.Length) % _items.Length;
            for (var i = 0; i < _count; i++)
            {
                var sample = _items[(start + i) % _items.Length];
                if (sample.Timestamp > since)
                {
                    result.Add(sample);
                }
            }

            return result;
        }
    }
}
