using Microsoft.Extensions.Options;

namespace Workbench.Web.Api.Compat;

/// <summary>
/// The most recent API requests, in memory and bounded, for the Telemetry page. Subscribers are called directly:
/// there is one record per request, far below the rate that would need the telemetry store's throttling.
/// </summary>
public sealed class ApiRequestLog(IOptions<ApiOptions> options)
{
    private readonly LinkedList<ApiRequestRecord> _records = new();
    private readonly Lock _gate = new();
    private readonly int _capacity = options.Value.RequestLogCapacity;
    private event Action<ApiRequestRecord>? Added;

    /// <summary>Requests kept, newest first.</summary>
    public IReadOnlyList<ApiRequestRecord> Recent
    {
        get
        {
            lock (_gate)
            {
                return [.. _records];
            }
        }
    }

    /// <summary>Records a request, dropping the oldest beyond the capacity.</summary>
    public void Add(ApiRequestRecord record)
    {
        lock (_gate)
        {
            _records.AddFirst(record);
            while (_records.Count > _capacity)
            {
                _records.RemoveLast();
            }
        }

        Added?.Invoke(record);
    }

    /// <summary>Calls <paramref name="callback"/> after each new record until the returned subscription is disposed.</summary>
    public IDisposable Subscribe(Action<ApiRequestRecord> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        Added += callback;
        return new Subscription(() => Added -= callback);
    }

    private sealed class Subscription(Action unsubscribe) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                unsubscribe();
            }
        }
    }
}
