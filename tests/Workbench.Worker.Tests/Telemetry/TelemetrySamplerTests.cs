using Workbench.Core.Hardware;
using Workbench.Worker.Hosting;
using Workbench.Worker.Telemetry;

namespace Workbench.Worker.Tests.Telemetry;

public sealed class TelemetrySamplerTests
{
    [Fact]
    public void A_sample_carries_the_cheap_gpu_readings_cpu_load_and_memory()
    {
        var gpu = new GpuInfo
        {
            Index = 1,
            Name = "RTX",
            MemoryUsedBytes = 3L << 30,
            MemoryTotalBytes = 24L << 30,
            GpuUtilizationPercent = 55,
            TemperatureCelsius = 66,
            PowerDrawWatts = 210.5,
        };
        var sampler = new TelemetrySampler(new FixedGpus([gpu]), new FixedCpu(12.5), new FixedMemory(), TimeProvider.System);

        var sample = sampler.Sample();

        var reading = Assert.Single(sample.Gpus);
        Assert.Equal((1, 3L << 30, 24L << 30, 55, 66, 210.5),
            (reading.Index, reading.MemoryUsedBytes!.Value, reading.MemoryTotalBytes!.Value, reading.UtilizationPercent!.Value, reading.TemperatureCelsius!.Value, reading.PowerDrawWatts!.Value));
        Assert.Equal(12.5, sample.CpuUtilizationPercent);
        Assert.Equal(6L << 30, sample.RamUsedBytes);
        Assert.Equal(512L << 20, sample.WorkerResidentBytes);
    }

    [Fact]
    public void A_sample_carries_what_this_worker_process_holds_on_each_gpu_and_not_what_others_hold()
    {
        GpuInfo Gpu(int index, params GpuProcessMemory[] processes) => new() { Index = index, MemoryUsedBytes = 9L << 30, MemoryTotalBytes = 24L << 30, Processes = processes };
        var gpus = new[]
        {
            Gpu(0, new GpuProcessMemory(Environment.ProcessId + 1, 4L << 30, "game"), new GpuProcessMemory(Environment.ProcessId, 5L << 30, "worker")),
            Gpu(1, new GpuProcessMemory(Environment.ProcessId + 1, 2L << 30, "game")),
        };
        var sampler = new TelemetrySampler(new FixedGpus(gpus), new FixedCpu(1), new FixedMemory(), TimeProvider.System);

        var sample = sampler.Sample();

        Assert.Equal(5L << 30, sample.Gpus[0].WorkerMemoryUsedBytes);
        Assert.Null(sample.Gpus[1].WorkerMemoryUsedBytes);
    }

    [Fact]
    public void A_machine_without_a_gpu_gives_samples_with_no_gpu_readings()
    {
        var sampler = new TelemetrySampler(new FixedGpus([]), new FixedCpu(null), new FixedMemory(), TimeProvider.System);

        var sample = sampler.Sample();

        Assert.Empty(sample.Gpus);
        Assert.Null(sample.CpuUtilizationPercent);
    }

    [Theory]
    [InlineData(1000, 1000)]
    [InlineData(10, 100)]
    [InlineData(60_000, 10_000)]
    public void The_sampling_interval_is_clamped_to_100_ms_to_10_s(int configured, int expected)
    {
        var options = new WorkerOptions { TelemetryIntervalMs = configured };

        Assert.Equal(TimeSpan.FromMilliseconds(expected), options.TelemetryInterval);
    }

    private sealed class FixedGpus(IReadOnlyList<GpuInfo> gpus) : IGpuProbe
    {
        public string ProviderName => "fake";

        public string? UnavailableReason => gpus.Count == 0 ? "none" : null;

        public IReadOnlyList<GpuInfo> ReadGpus() => gpus;
    }

    private sealed class FixedCpu(double? percent) : ICpuProbe
    {
        public CpuInfo ReadCpu() => new() { LogicalProcessors = 1, ProcessorsAvailable = 1 };

        public double? SampleUtilizationPercent() => percent;
    }

    private sealed class FixedMemory : IMemoryProbe
    {
        public MemoryInfo ReadMemory() =>
            new() { TotalBytes = 16L << 30, AvailableBytes = 10L << 30, ProcessResidentBytes = 512L << 20 };
    }
}
