using Workbench.Web.Telemetry;

/// <summary>
/// How long after the worker took a sample a store subscriber (what a dashboard page is) sees it: every new sample
/// found at each notification, and the newest one (what the page draws).
/// </summary>
internal static class DeliveryLatency
{
    /// <summary>Latencies in milliseconds over <paramref name="duration"/>, each sample counted once.</summary>
    public static async Task<(List<double> EverySampleMs, List<double> NewestMs)> MeasureAsync(TelemetryStore store, string host, TimeSpan duration)
    {
        var every = new List<double>();
        var newest = new List<double>();
        var seenUpTo = store.Latest(host)?.Timestamp ?? DateTimeOffset.MinValue;
        var gate = new Lock();
        using (store.Subscribe(() =>
        {
            lock (gate)
            {
                var now = DateTimeOffset.UtcNow;
                var fresh = store.Since(host, seenUpTo);
                if (fresh.Count == 0)
                {
                    return;
                }

                every.AddRange(fresh.Select(s => (now - s.Timestamp).TotalMilliseconds));
                newest.Add((now - fresh[^1].Timestamp).TotalMilliseconds);
                seenUpTo = fresh[^1].Timestamp;
            }
        }))
        {
            await Task.Delay(duration);
        }

        lock (gate)
        {
            return ([.. every], [.. newest]);
        }
    }
}
