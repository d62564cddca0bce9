// Telemetry cost and delivery, in one run:
// (a) CPU the worker's sampler spends per sample at 4 Hz, on this process's thread, against the cost of the empty
//     clock read measured between the same samples, as a share of one core (goal <= 1 %);
// (b) sample -> subscriber latency through a real worker child process, the real hub on Kestrel and the store's
//     throttled subscriber path that dashboard pages use (goal p95 < 250 ms).
using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Workbench.Web.Telemetry;
using Workbench.Web.Workers;
using Workbench.Worker.Probes;
using Workbench.Worker.Telemetry;

/// <summary>Benchmark entry point (a named class: the web host's <c>Program</c> is referenced too).</summary>
internal static class TelemetryBenchmark
{
    private const int IntervalMs = 250;
    private const int Samples = 80;
    private static readonly TimeSpan LatencyWindow = TimeSpan.FromSeconds(20);

    private static async Task Main()
    {
        if (!ThreadCpuClock.IsAvailable)
        {
            Console.WriteLine("This benchmark needs Linux (its thread CPU clock).");
            return;
        }

        var interval = TimeSpan.FromMilliseconds(IntervalMs);
        var services = new ServiceCollection().AddWorkbenchProbes(new ConfigurationBuilder().Build()).AddSingleton<TelemetrySampler>().BuildServiceProvider();
        await using (services)
        {
            var sampler = services.GetRequiredService<TelemetrySampler>();
            // The first sample loads the GPU library (or finds none); the steady state is what runs for hours.
            _ = sampler.Sample();
            var (sampleNs, emptyNs) = await SamplingCost.MeasureAsync(sampler, Samples, interval);
            var perSampleNs = Math.Max(0, sampleNs.Average() - emptyNs.Average());
            var coreShare = perSampleNs / interval.TotalNanoseconds;
            Console.WriteLine(Invariant($"(a) sampler CPU per sample, {Samples} samples at {1000.0 / IntervalMs:0} Hz, GPU probe: {services.GetRequiredService<Workbench.Core.Hardware.IGpuProbe>().ProviderName}"));
            Console.WriteLine(Invariant($"    sample        : mean {sampleNs.Average() / 1000,8:F1} us  p50 {Percentile(sampleNs, 0.5) / 1000,8:F1} us  p95 {Percentile(sampleNs, 0.95) / 1000,8:F1} us"));
            Console.WriteLine(Invariant($"    empty baseline: mean {emptyNs.Average() / 1000,8:F1} us  p50 {Percentile(emptyNs, 0.5) / 1000,8:F1} us  p95 {Percentile(emptyNs, 0.95) / 1000,8:F1} us"));
            Console.WriteLine(Invariant($"    sample / baseline ratio: {sampleNs.Average() / emptyNs.Average(),6:F1}x"));
            Console.WriteLine(Invariant($"    share of one core: {coreShare * 100:F3} % (goal <= 1 %, ratio to goal {coreShare / 0.01:F3})"));
        }

        await MeasureLatencyAsync();
    }

    private static async Task MeasureLatencyAsync()
    {
        // Outside a test project, tell the factory where the web project lives.
        var repository = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(repository.FullName, "Workbench.sln")))
        {
            repository = repository.Parent ?? throw new InvalidOperationException("Run the benchmark from inside the repository.");
        }

        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_WORKBENCH_WEB", Path.Combine(repository.FullName, "src", "Workbench.Web"));
        var data = Directory.CreateTempSubdirectory("workbench-bench-telemetry-");
        try
        {
            await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
            {
                b.UseSetting("Workbench:DataDirectory", data.FullName);
                b.UseSetting("Workbench:DiscoverKnownStores", "false");
                b.UseSetting("Workbench:Supervisor:WorkerTelemetryIntervalMs", IntervalMs.ToString(CultureInfo.InvariantCulture));
                b.UseSetting("Logging:LogLevel:Default", "Warning");
            });
            factory.UseKestrel(0);
            factory.StartServer();
            var registry = factory.Services.GetRequiredService<WorkerRegistry>();
            var store = factory.Services.GetRequiredService<TelemetryStore>();
            while (registry.Workers.Count == 0 || store.Latest(registry.Workers[0].Registration.HostName) is null)
            {
                await Task.Delay(50);
            }

            var host = registry.Workers[0].Registration.HostName;
            await Task.Delay(TimeSpan.FromSeconds(2)); // warm-up
            var (every, newest) = await DeliveryLatency.MeasureAsync(store, host, LatencyWindow);
            var throttle = factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<TelemetryOptions>>().Value.SubscriberThrottleMs;
            Console.WriteLine(Invariant($"(b) sample -> subscriber latency over {LatencyWindow.TotalSeconds:0} s, worker at {1000.0 / IntervalMs:0} Hz, subscriber throttle {throttle} ms"));
            Console.WriteLine(Invariant($"    every sample  : {every.Count,4} samples  p50 {Percentile(every, 0.5),7:F1} ms  p95 {Percentile(every, 0.95),7:F1} ms  max {every.Max(),7:F1} ms"));
            Console.WriteLine(Invariant($"    newest shown  : {newest.Count,4} redraws  p50 {Percentile(newest, 0.5),7:F1} ms  p95 {Percentile(newest, 0.95),7:F1} ms  max {newest.Max(),7:F1} ms"));
            Console.WriteLine(Invariant($"    p95 every sample / goal 250 ms: {Percentile(every, 0.95) / 250:F3}; samples received / expected: {every.Count / (LatencyWindow.TotalMilliseconds / IntervalMs):F3}"));
            var bandwidth = registry.Workers[0].Hardware?.Memory.MeasuredBandwidthBytesPerSecond;
            Console.WriteLine(bandwidth is { } b
                ? Invariant($"(c) RAM bandwidth the worker measured at start-up: {b / 1e9:F1} GB/s")
                : "(c) RAM bandwidth: not measured by the worker within its 200 ms budget");
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
