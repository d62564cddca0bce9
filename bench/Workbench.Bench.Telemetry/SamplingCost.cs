using Workbench.Worker.Telemetry;

/// <summary>CPU the worker's sampler spends per sample, taken at the benchmark's rate on one thread.</summary>
internal static class SamplingCost
{
    /// <summary>Thread CPU nanoseconds of each of <paramref name="count"/> samples, and of the empty clock reads in between.</summary>
    public static async Task<(List<double> SampleNs, List<double> EmptyNs)> MeasureAsync(TelemetrySampler sampler, int count, TimeSpan interval)
    {
        var sampleNs = new List<double>(count);
        var emptyNs = new List<double>(count);
        using var timer = new PeriodicTimer(interval);
        for (var i = 0; i < count; i++)
        {
            await timer.WaitForNextTickAsync();
            // Synchronous from here on, so both reads are on the same OS thread.
            var a = ThreadCpuClock.Nanoseconds();
            var b = ThreadCpuClock.Nanoseconds();
            _ = sampler.Sample();
            var c = ThreadCpuClock.Nanoseconds();
            emptyNs.Add(b - a);
            sampleNs.Add(c - b);
        }

        return (sampleNs, emptyNs);
    }
}
