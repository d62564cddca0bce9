using Workbench.Core.Hardware;
using Workbench.Worker.Probes;

namespace Workbench.Worker.Tests.Probes;

public sealed class NvmlGpuProbeTests(FakeNvmlLibrary fake) : IClassFixture<FakeNvmlLibrary>, IDisposable
{
    private const long MiB = 1L << 20;
    private const long GiB = 1L << 30;
    private readonly ManualTimeProvider _time = new();
    private readonly List<IDisposable> _owned = [];

    [FactWithCCompiler]
    public void Reads_every_field_of_the_first_gpu_from_the_library()
    {
        var gpu = Open(out _).ReadGpus()[0];

        Assert.Equal(0, gpu.Index);
        Assert.Equal("NVIDIA GeForce RTX 4090", gpu.Name);
        Assert.Equal("GPU-4090aaaa-0000-1111-2222-333344445555", gpu.Uuid);
        Assert.Equal(24 * GiB, gpu.MemoryTotalBytes);
        Assert.Equal(2 * GiB, gpu.MemoryUsedBytes);
        Assert.Equal(22 * GiB, gpu.MemoryFreeBytes);
        Assert.Equal(37, gpu.GpuUtilizationPercent);
        Assert.Equal(12, gpu.MemoryUtilizationPercent);
        Assert.Equal(45, gpu.TemperatureCelsius);
        Assert.Equal(123.456, gpu.PowerDrawWatts!.Value, 6);
        Assert.Equal(2520, gpu.SmClockMhz);
        Assert.Equal(10501, gpu.MemoryClockMhz);
        Assert.Equal(10501, gpu.MaxMemoryClockMhz);
        Assert.Equal(384, gpu.MemoryBusWidthBits);
        Assert.Equal(4, gpu.PcieLinkGeneration);
        Assert.Equal(16, gpu.PcieLinkWidth);
        Assert.Equal("550.54.14", gpu.DriverVersion);
        Assert.Equal("12.4", gpu.CudaDriverVersion);
    }

    [FactWithCCompiler]
    public void Lists_both_gpus_in_index_order()
    {
        var gpus = Open(out _).ReadGpus();

        Assert.Equal(["NVIDIA GeForce RTX 4090", "NVIDIA GeForce RTX 3060"], gpus.Select(g => g.Name));
        Assert.Equal([0, 1], gpus.Select(g => g.Index));
        Assert.Equal(12 * GiB, gpus[1].MemoryTotalBytes);
        Assert.Equal(512 * MiB, gpus[1].MemoryUsedBytes);
        Assert.Equal(7501, gpus[1].MaxMemoryClockMhz);
        Assert.Equal(192, gpus[1].MemoryBusWidthBits);
    }

    [FactWithCCompiler]
    public void A_call_the_gpu_does_not_support_leaves_only_that_field_null()
    {
        var gpus = Open(out _).ReadGpus();

        Assert.Null(gpus[1].TemperatureCelsius);
        Assert.Equal(45, gpus[0].TemperatureCelsius);
        Assert.Equal(15.0, gpus[1].PowerDrawWatts);
    }

    [FactWithCCompiler]
    public void A_function_the_library_does_not_export_leaves_its_field_null()
    {
        // fake_nvml.c does not define nvmlDeviceGetEnforcedPowerLimit.
        var gpus = Open(out _).ReadGpus();

        Assert.All(gpus, gpu => Assert.Null(gpu.PowerLimitWatts));
        Assert.All(gpus, gpu => Assert.NotNull(gpu.PowerDrawWatts));
    }

    [FactWithCCompiler]
    public void Lists_compute_and_graphics_processes_once_each_with_names_from_the_driver()
    {
        var processes = Open(out _).ReadGpus()[0].Processes;

        Assert.Equal([4242, 2147483000, 1000], processes.Select(p => p.ProcessId));
        Assert.Equal(new GpuProcessMemory(4242, 1536 * MiB, "/usr/bin/python3"), processes[0]);
        Assert.Equal(new GpuProcessMemory(1000, 300 * MiB, "/usr/lib/xorg/Xorg"), processes[2]);
    }

    [FactWithCCompiler]
    public void Memory_the_driver_cannot_attribute_and_a_process_it_cannot_name_are_null()
    {
        var process = Open(out _).ReadGpus()[0].Processes.Single(p => p.ProcessId == 2147483000);

        Assert.Null(process.UsedBytes);
        Assert.Null(process.Name);
    }

    [FactWithCCompiler]
    public void A_gpu_without_processes_has_an_empty_list()
    {
        Assert.Empty(Open(out _).ReadGpus()[1].Processes);
    }

    [FactWithCCompiler]
    public void A_process_list_larger_than_the_first_buffer_is_read_whole()
    {
        var probe = Open(out _, configure: c => c.ExtraProcesses = 20);

        var processes = probe.ReadGpus()[0].Processes;

        Assert.Equal(23, processes.Count);
        Assert.Equal(20 * MiB, processes.Single(p => p.ProcessId == 5019).UsedBytes);
    }

    [FactWithCCompiler]
    public void Memory_is_read_fresh_on_every_call()
    {
        var probe = Open(out var controls);
        probe.ReadGpus();

        controls.SetUsedBytes(0, 10 * GiB);

        Assert.Equal(10 * GiB, probe.ReadGpus()[0].MemoryUsedBytes);
    }

    [FactWithCCompiler]
    public void Temperature_is_reused_until_the_slow_interval_has_passed()
    {
        var probe = Open(out var controls);
        probe.ReadGpus();
        controls.SetTemperature(0, 80);

        _time.Advance(TimeSpan.FromSeconds(4));
        var cached = probe.ReadGpus()[0].TemperatureCelsius;
        _time.Advance(TimeSpan.FromSeconds(1));
        var refreshed = probe.ReadGpus()[0].TemperatureCelsius;

        Assert.Equal(45, cached);
        Assert.Equal(80, refreshed);
    }

    [FactWithCCompiler]
    public void The_process_list_is_read_once_per_interval_not_once_per_sample()
    {
        var probe = Open(out var controls);

        for (var i = 0; i < 10; i++)
        {
            probe.ReadGpus();
            _time.Advance(TimeSpan.FromMilliseconds(250));
        }

        // Ten samples over 2.5 s, within the 5 s interval: each GPU's list was read once.
        Assert.Equal(2, controls.ProcessListCalls);
        _time.Advance(TimeSpan.FromSeconds(3));
        probe.ReadGpus();
        Assert.Equal(4, controls.ProcessListCalls);
    }

    [FactWithCCompiler]
    public void Creating_initializes_nvml_and_disposing_shuts_it_down()
    {
        var probe = Open(out var controls);
        Assert.Equal(1, controls.InitCount);

        probe.Dispose();

        Assert.Equal(0, controls.InitCount);
        Assert.Throws<ObjectDisposedException>(() => probe.ReadGpus());
    }

    [FactWithCCompiler]
    public void A_driver_that_will_not_initialize_makes_the_probe_unavailable_with_nvmls_message()
    {
        var path = fake.NewCopy();
        using var controls = new FakeNvmlControls(path);
        controls.InitResult = 9;

        var probe = NvmlGpuProbe.TryCreate(new GpuProbeOptions { NvmlLibraryPath = path }, _time, out var reason);

        Assert.Null(probe);
        Assert.Equal("NVML did not initialize: Driver Not Loaded (9)", reason);
    }

    [Fact]
    public void A_missing_library_makes_the_probe_unavailable_instead_of_throwing()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-dir", "libnvidia-ml.so.1");

        var probe = NvmlGpuProbe.TryCreate(new GpuProbeOptions { NvmlLibraryPath = missing }, _time, out var reason);

        Assert.Null(probe);
        Assert.Equal($"NVML library not present at {missing}", reason);
    }

    [FactWithCCompiler]
    public void The_probe_names_itself_nvml_and_reports_no_unavailable_reason()
    {
        var probe = Open(out _);

        Assert.Equal("NVML", probe.ProviderName);
        Assert.Null(probe.UnavailableReason);
    }

    public void Dispose()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            owned.Dispose();
        }
    }

    private NvmlGpuProbe Open(out FakeNvmlControls controls, Action<FakeNvmlControls>? configure = null)
    {
        var path = fake.NewCopy();
        controls = new FakeNvmlControls(path);
        _owned.Add(controls);
        configure?.Invoke(controls);
        var probe = NvmlGpuProbe.TryCreate(new GpuProbeOptions { NvmlLibraryPath = path }, _time, out var reason);
        Assert.True(probe is not null, reason);
        _owned.Add(probe);
        return probe;
    }
}
