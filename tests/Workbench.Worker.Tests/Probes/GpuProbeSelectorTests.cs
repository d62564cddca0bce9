using Workbench.Worker.Probes;

namespace Workbench.Worker.Tests.Probes;

public sealed class GpuProbeSelectorTests(FakeNvmlLibrary fake) : IClassFixture<FakeNvmlLibrary>, IDisposable
{
    private static readonly string Missing = Path.Combine(Path.GetTempPath(), "no-such-dir");
    private readonly FakeNvidiaSmi _smi = new();
    private readonly List<IDisposable> _owned = [];

    [FactWithCCompiler]
    public void Nvml_is_chosen_when_it_loads()
    {
        var probe = Select(new GpuProbeOptions { NvmlLibraryPath = fake.NewCopy(), NvidiaSmiPath = _smi.Printing(FakeNvidiaSmi.TwoGpus) });

        Assert.IsType<NvmlGpuProbe>(probe);
        Assert.Equal(2, probe.ReadGpus().Count);
    }

    [FactOnUnix]
    public void Nvidia_smi_is_chosen_when_nvml_is_missing()
    {
        var probe = Select(new GpuProbeOptions { NvmlLibraryPath = Path.Combine(Missing, "libnvidia-ml.so.1"), NvidiaSmiPath = _smi.Printing(FakeNvidiaSmi.TwoGpus) });

        Assert.IsType<NvidiaSmiGpuProbe>(probe);
        Assert.Equal("nvidia-smi", probe.ProviderName);
    }

    [Fact]
    public void Without_either_the_none_probe_says_why_each_failed()
    {
        var nvml = Path.Combine(Missing, "libnvidia-ml.so.1");
        var smi = Path.Combine(Missing, "nvidia-smi");

        var probe = Select(new GpuProbeOptions { NvmlLibraryPath = nvml, NvidiaSmiPath = smi });

        Assert.IsType<NoGpuProbe>(probe);
        Assert.Equal("none", probe.ProviderName);
        Assert.Empty(probe.ReadGpus());
        Assert.Equal($"No NVIDIA GPU found (NVML library not present at {nvml} and nvidia-smi not found at {smi})", probe.UnavailableReason);
    }

    [Fact]
    public void On_a_machine_without_nvidia_software_the_default_reason_is_plain()
    {
        var probe = Select(new GpuProbeOptions());
        if (probe is not NoGpuProbe)
        {
            return; // This machine has an NVIDIA driver; the other tests cover the providers.
        }

        Assert.Equal("No NVIDIA GPU found (NVML library not present and nvidia-smi not found)", probe.UnavailableReason);
    }

    public void Dispose()
    {
        _owned.ForEach(o => o.Dispose());
        _smi.Dispose();
    }

    private Core.Hardware.IGpuProbe Select(GpuProbeOptions options)
    {
        var probe = GpuProbeSelector.Select(options, TimeProvider.System);
        if (probe is IDisposable disposable)
        {
            _owned.Add(disposable);
        }

        return probe;
    }
}
