using System.Runtime.InteropServices;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Workbench.Core.Hardware;
using Workbench.Core.Protocol;
using Workbench.Web.Workers;
using HardwarePage = Workbench.Web.Components.Pages.Hardware;

namespace Workbench.Web.Tests.Hardware;

public sealed class HardwarePageTests : IAsyncLifetime
{
    private readonly BunitContext _context = new();
    private readonly WorkerRegistry _registry = new(TimeProvider.System);
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("workbench-hardware-page-");

    public Task InitializeAsync()
    {
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddMudServices();
        _context.Services.AddSingleton(_registry);
        Workbench.Web.Tests.TestSupport.TestFleet.Add(_context.Services, _registry, _data.FullName);
        _context.Renderer.SetRendererInfo(new RendererInfo("Server", true));
        return Task.CompletedTask;
    }

    private static HardwareSnapshot Snapshot(bool avx2 = true, IReadOnlyList<GpuInfo>? gpus = null) => new()
    {
        HostName = "box",
        CapturedAt = DateTimeOffset.UtcNow,
        Cpu = new CpuInfo
        {
            ModelName = "Test CPU 9000",
            Architecture = Architecture.X64,
            PhysicalCores = 8,
            LogicalProcessors = 16,
            ProcessorsAvailable = 16,
            HasAvx = true,
            HasAvx2 = avx2,
            HasFma = true,
        },
        Memory = new MemoryInfo { TotalBytes = 64L << 30, AvailableBytes = 40L << 30, SwapTotalBytes = 8L << 30, SwapFreeBytes = 8L << 30 },
        Software = new SoftwareInfo("Linux", ".NET 10.0.0", "Cpu"),
        Gpus = gpus ?? [],
        GpuProvider = gpus is null ? "none" : "NVML",
        GpuUnavailableReason = gpus is null ? "NVML library not present" : null,
        Disks = [new DiskInfo { Path = "/models", MountPoint = "/", FreeBytes = 100L << 30, TotalBytes = 500L << 30, Kind = DiskKind.Nvme }],
    };

    private void Connect(HardwareSnapshot snapshot)
    {
        _registry.Register("c1", new WorkerRegistration("w1", snapshot.HostName, 1, "Cpu", "0.1.0", null));
        _registry.SetHardware("c1", snapshot);
    }

    [Fact]
    public void The_memory_card_shows_the_measured_ram_bandwidth_or_that_it_was_not_measured()
    {
        var measured = Snapshot() with { Memory = Snapshot().Memory with { MeasuredBandwidthBytesPerSecond = 18_400_000_000 } };
        Connect(measured);
        var page = _context.Render<HardwarePage>();
        Assert.Contains("Bandwidth 18.4 GB/s", page.Find("[data-testid=ram-bandwidth]").TextContent, StringComparison.Ordinal);

        _registry.SetHardware("c1", Snapshot());
        page.Render();

        Assert.Contains("not measured", page.Find("[data-testid=ram-bandwidth]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cuda_build_without_an_nvidia_driver_is_warned_about_on_the_software_card()
    {
        Connect(Snapshot() with { Software = new SoftwareInfo("Linux", ".NET 10.0.0", "Cuda12") });

        var page = _context.Render<HardwarePage>();

        Assert.Contains("no NVIDIA driver", page.Find("[data-testid=software-card] [data-testid=cuda-warning]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cpu_build_gets_no_cuda_warning()
    {
        Connect(Snapshot());

        var page = _context.Render<HardwarePage>();

        Assert.Empty(page.FindAll("[data-testid=cuda-warning]"));
    }

    [Fact]
    public void Without_a_worker_the_page_says_it_is_waiting()
    {
        var page = _context.Render<HardwarePage>();

        Assert.NotNull(page.Find("[data-testid=hardware-waiting]"));
    }

    [Fact]
    public void A_machine_without_a_gpu_shows_the_reason_cpu_memory_disks_and_the_minimal_tier()
    {
        Connect(Snapshot());

        var page = _context.Render<HardwarePage>();

        Assert.Contains("No NVIDIA GPU found: NVML library not present", page.Find("[data-testid=no-gpu-card]").TextContent, StringComparison.Ordinal);
        Assert.Contains("8 cores · 16 threads", page.Find("[data-testid=cpu-cores]").TextContent, StringComparison.Ordinal);
        Assert.Equal("true", page.Find("[data-testid=isa-AVX2]").GetAttribute("data-present"));
        Assert.Equal("false", page.Find("[data-testid=isa-AVX-512]").GetAttribute("data-present"));
        Assert.Empty(page.FindAll("[data-testid=avx2-warning]"));
        Assert.Contains("64.0 GiB total", page.Find("[data-testid=ram-total]").TextContent, StringComparison.Ordinal);
        Assert.Contains("100 GiB free of 500 GiB · Nvme", page.Find("[data-testid=disk]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Tier: Minimal", page.Find("[data-testid=tier-card]").TextContent, StringComparison.Ordinal);
        Assert.NotNull(page.Find("[data-testid=tier-next]"));
    }

    [Fact]
    public void A_cpu_without_avx2_shows_a_warning()
    {
        Connect(Snapshot(avx2: false));

        var page = _context.Render<HardwarePage>();

        Assert.Contains("lacks AVX2", page.Find("[data-testid=avx2-warning]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_machine_with_a_24_gb_gpu_shows_its_card_and_the_34b_tier()
    {
        var gpu = new GpuInfo
        {
            Index = 0,
            Name = "NVIDIA GeForce RTX 4090",
            MemoryTotalBytes = 24564L << 20,
            MemoryUsedBytes = 2L << 30,
            GpuUtilizationPercent = 37,
            TemperatureCelsius = 61,
            PowerDrawWatts = 120,
            PowerLimitWatts = 450,
        };
        Connect(Snapshot(gpus: [gpu]));

        var page = _context.Render<HardwarePage>();

        var card = page.Find("[data-testid=gpu-card]");
        Assert.Contains("RTX 4090", card.TextContent, StringComparison.Ordinal);
        Assert.Contains("2.0 / 24.0 GiB", page.Find("[data-testid=gpu-vram]").TextContent, StringComparison.Ordinal);
        Assert.Contains("61 °C", card.TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=no-gpu-card]"));
        Assert.Contains("Tier: 34B", page.Find("[data-testid=tier-card]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_snapshot_arriving_later_is_rendered()
    {
        var page = _context.Render<HardwarePage>();

        Connect(Snapshot());

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=cpu-card]")), TimeSpan.FromSeconds(10));
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        _data.Delete(recursive: true);
    }
}
