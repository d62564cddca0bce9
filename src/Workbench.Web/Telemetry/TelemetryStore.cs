using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Workbench.Core.Telemetry;

namespace Workbench.Web.Telemetry;

/// <summary>
/// The dashboard's telemetry: a bounded history per worker host and subscribers that hear about new samples.
/// Each subscriber is throttled on its own, and an update arriving while one is pending for it is dropped,
/// so a slow browser never slows ingestion. Bounded in hosts too: at most <see cref="TelemetryOptions.MaxHosts"/>,
/// and a host that stopped reporting for <see cref="TelemetryOptions.HostRetention"/> is forgotten.
/// </summary>
public sealed class TelemetryStore(IOptions<TelemetryOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, SampleRing> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastAdded = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<Subscription, byte> _subscriptions = new();
    private readonly Lock _newHost = new();
    private readonly int _maxHosts = Math.Max(1, options.Value.MaxHosts);
    private readonly TimeSpan _retention = options.Value.HostRetention;
    private readonly TimeProvider _time = time;
    private readonly int _capacity = Math.Max(1, options.Value.HistoryCapacity);
    private readonly TimeSpan _throttle = TimeSpan.FromMilliseconds(Math.Max(0, options.Value.SubscriberThrottleMs));

    /// <summary>Hosts that have sent samples recently, in name order.</summary>
    public IReadOnlyList<string> Hosts => [.. _hosts.Keys.Where(IsRecent).Order(StringComparer.OrdinalIgnoreCase)];

    /// <summary>Samples kept per host.</summary>
    public int Capacity => _capacity;

    /// <summary>Records a sample of <paramref name="host"/> and notifies subscribers.</summary>
    public void Add(string host, TelemetrySample sample)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentNullException.ThrowIfNull(sample);
        if (!_hosts.TryGetValue(host, out var ring))
        {
            ring = AddHost(host);
        }

        ring.Add(sample);
        _lastAdded[host] = _time.GetUtcNow();
        foreach (var subscription in _subscriptions.Keys)
        {
            subscription.Notify();
        }
    }

    /// <summary>Forgets <paramref name="host"/> and its history (a worker that renamed itself).</summary>
    public void Forget(string host)
    {
        _hosts.TryRemove(host, out _);
        _lastAdded.TryRemove(host, out _);
    }

    /// <summary>Makes room for a new host: drops expired ones, then the one that reported longest ago.</summary>
    private SampleRing AddHost(string host)
    {
        lock (_newHost)
        {
            if (_hosts.TryGetValue(host, out var existing))
            {
                return existing;
            }

            foreach (var expired in _hosts.Keys.Where(h => !IsRecent(h)).ToList())
            {
                Forget(expired);
            }

            while (_hosts.Count >= _maxHosts && _lastAdded.OrderBy(h => h.Value).Select(h => h.Key).FirstOrDefault() is { } oldest)
            {
                Forget(oldest);
            }

            var ring = new SampleRing(_capacity);
            _hosts[host] = ring;
            _lastAdded[host] = _time.GetUtcNow();
            return ring;
        }
    }

    private bool IsRecent(string host) => _lastAdded.TryGetValue(host, out var at) && _time.GetUtcNow() - at <= _retention;

    /// <summary>The newest sample of <paramref name="host"/>, if any.</summary>
    public TelemetrySample? Latest(string host) => _hosts.TryGetValue(host, out var ring) ? ring.Latest : null;

    /// <summary>Samples of <paramref name="host"/> taken after <paramref name="since"/>, oldest first.</summary>
    public IReadOnlyList<TelemetrySample> Since(string host, DateTimeOffset since) =>
        _hosts.TryGetValue(host, out var ring) ? ring.Since(since) : [];

    /// <summary>Samples of every host taken after <paramref name="since"/>, oldest first.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<TelemetrySample>> Since(DateTimeOffset since) =>
        Hosts.ToDictionary(host => host, host => Since(host, since), StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Calls <paramref name="callback"/> (on the thread pool) after new samples arrive, at most once per throttle period.
    /// Dispose the result to stop.
    /// </summary>
    public IDisposable Subscribe(Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var subscription = new Subscription(this, callback);
        _subscriptions[subscription] = 0;
        return subscription;
    }

    /// <summary>
    /// At most one delivery per subscriber is queued or running at a time: samples that arrive meanwhile only mark it
    /// dirty, so a callback that never returns holds one thread and nothing grows behind it.
    /// </summary>
    private sealed class Subscription(TelemetryStore store, Action callback) : IDisposable
    {
        private int _dirty;
        private int _delivering;
        private long _lastFiredTicks = long.MinValue;
        private volatile bool _disposed;

        public void Notify()
        {
            if (_disposed)
            {
                return;
            }

            Volatile.Write(ref _dirty, 1);
            if (Interlocked.CompareExchange(ref _delivering, 1, 0) == 0)
            {
                _ = Task.Run(DeliverAsync);
            }
        }

        private async Task DeliverAsync()
        {
            do
            {
                try
                {
                    var last = Interlocked.Read(ref _lastFiredTicks);
                    var wait = last == long.MinValue
                        ? TimeSpan.Zero
                        : store._throttle - TimeSpan.FromTicks(store._time.GetUtcNow().UtcTicks - last);
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, store._time).ConfigureAwait(false);
                    }

                    Interlocked.Exchange(ref _lastFiredTicks, store._time.GetUtcNow().UtcTicks);
                    // Cleared before the call, so a sample arriving during a slow callback earns one more call.
                    Volatile.Write(ref _dirty, 0);
                    if (!_disposed)
                    {
                        callback();
                    }
                }
                finally
                {
                    Volatile.Write(ref _delivering, 0);
                }
            }
            // A sample came during the wait or the callback and its Notify saw this delivery running: go round again.
            while (!_disposed && Volatile.Read(ref _dirty) == 1 && Interlocked.CompareExchange(ref _delivering, 1, 0) == 0);
        }

        public void Dispose()
        {
            _disposed = true;
            store._subscriptions.TryRemove(this, out _);
        }
    }
}
