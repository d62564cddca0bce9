using System.Diagnostics;
using Workbench.Worker.Probes;

namespace Workbench.Worker.Tests.Probes;

public sealed class NvidiaSmiGpuProbeTests : IDisposable
{
    private const long MiB = 1L << 20;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly FakeNvidiaSmi _smi = new();

    [FactOnUnix]
    public void Reads_the_gpus_nvidia_smi_prints()
    {
        var probe = new NvidiaSmiGpuProbe(_smi.Printing(FakeNvidiaSmi.TwoGpus), Timeout);

        var gpus = probe.ReadGpus();

        Assert.Null(probe.UnavailableReason);
        Assert.Equal(2, gpus.Count);
        Assert.Equal("NVIDIA GeForce RTX 4090", gpus[0].Name);
        Assert.Equal(24564 * MiB, gpus[0].MemoryTotalBytes);
        Assert.Equal(123.45, gpus[0].PowerDrawWatts);
        Assert.Equal(450.0, gpus[0].PowerLimitWatts);
        Assert.Equal("550.54.14", gpus[1].DriverVersion);
        Assert.Null(gpus[1].PowerDrawWatts);
    }

    [FactOnUnix]
    public void Creating_succeeds_when_nvidia_smi_lists_a_gpu()
    {
        var probe = NvidiaSmiGpuProbe.TryCreate(_smi.Printing(FakeNvidiaSmi.TwoGpus), Timeout, out var reason);

        Assert.NotNull(probe);
        Assert.Null(reason);
        Assert.Equal("nvidia-smi", probe.ProviderName);
    }

    [FactOnUnix]
    public void A_failing_nvidia_smi_gives_its_message_as_the_reason()
    {
        var probe = NvidiaSmiGpuProbe.TryCreate(_smi.WithoutDriver(), Timeout, out var reason);

        Assert.Null(probe);
        Assert.StartsWith("nvidia-smi failed with exit code 9: NVIDIA-SMI has failed because it couldn't communicate", reason);
    }

    [FactOnUnix]
    public void An_empty_answer_means_no_gpu()
    {
        var probe = NvidiaSmiGpuProbe.TryCreate(_smi.Printing(string.Empty), Timeout, out var reason);

        Assert.Null(probe);
        Assert.Equal("nvidia-smi listed no GPU", reason);
    }

    [FactOnUnix]
    public void A_hanging_nvidia_smi_is_killed_at_the_timeout()
    {
        var probe = new NvidiaSmiGpuProbe(_smi.Hanging(), TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();

        var gpus = probe.ReadGpus();

        Assert.Empty(gpus);
        Assert.Equal("nvidia-smi did not answer within 0.3 s", probe.UnavailableReason);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public void A_missing_nvidia_smi_is_reported_as_not_found()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-dir", "nvidia-smi");

        var probe = NvidiaSmiGpuProbe.TryCreate(missing, Timeout, out var reason);

        Assert.Null(probe);
        Assert.Equal($"nvidia-smi not found at {missing}", reason);
    }

    public void Dispose() => _smi.Dispose();
}

