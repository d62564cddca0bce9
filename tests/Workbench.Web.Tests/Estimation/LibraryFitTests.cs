using Workbench.Core.DemoModel;
using Workbench.Core.Estimation;
using Workbench.Core.Hardware;
using Workbench.Core.Library;
using Workbench.Core.Protocol;
using Workbench.Web.Estimation;
using Workbench.Web.Library;
using Workbench.Web.Workers;

namespace Workbench.Web.Tests.Estimation;

/// <summary>The Models page's "fits?" badge from a worker's hardware report and a real generated GGUF file.</summary>
public sealed class LibraryFitTests : IDisposable
{
    private const int WorkerPid = 4242;
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("workbench-fit-");
    private readonly WorkerRegistry _registry = new(TimeProvider.System);
    private readonly LibraryFit _fit;
    private readonly ModelDescriptor _model;
    private readonly string _path;

    public LibraryFitTests()
    {
        _path = Path.Combine(_temp.FullName, "tiny.gguf");
        DemoModelGenerator.Write(_path);
        _model = ModelFileScanner.Describe(new ModelFileScanner().FindCandidates(_temp.FullName).Single());
        var library = new LibraryIndex();
        library.Replace([_model]);
        var source = new EstimationModelSource();
        _fit = new LibraryFit(_registry, source, TestLoadMeasurements.Create(_registry, library, source, _temp.CreateSubdirectory("data")));
    }

    [Fact]
    public void Before_the_worker_reports_its_hardware_there_is_no_badge() =>
        Assert.Null(_fit.For(_model, _fit.Budget()));

    [Fact]
    public void A_small_model_fits_fully_on_an_eight_gigabyte_gpu()
    {
        Report(Gpu(totalGib: 8, freeGib: 7));

        var verdict = _fit.For(_model, _fit.Budget());

        Assert.Equal(FitKind.FitsFully, verdict?.Kind);
    }

    [Fact]
    public void Without_a_gpu_the_badge_says_cpu_only()
    {
        Report();

        Assert.Equal(FitKind.CpuOnly, _fit.For(_model, _fit.Budget())?.Kind);
    }

    [Fact]
    public void Memory_the_worker_already_holds_counts_as_free_because_a_load_replaces_its_model()
    {
        var gpu = Gpu(totalGib: 8, freeGib: 1) with
        {
            Processes = [new GpuProcessMemory(WorkerPid, 5L << 30, "dotnet"), new GpuProcessMemory(77, 2L << 30, "game")],
        };

        var budget = DetectedBudget.From(Snapshot(gpu), WorkerPid);

        var only = Assert.Single(budget.Gpus);
        Assert.Equal(6L << 30, only.FreeBytes);
        Assert.Equal("GPU0 RTX Test", only.Name);
        Assert.Equal(20L << 30, budget.AvailableRamBytes);
    }

    [Fact]
    public void The_measured_ram_bandwidth_is_carried_into_the_budget_for_speed_estimates()
    {
        var snapshot = Snapshot() with { Memory = Snapshot().Memory with { MeasuredBandwidthBytesPerSecond = 25_000_000_000 } };

        Assert.Equal(25e9, DetectedBudget.From(snapshot, WorkerPid).RamBytesPerSecond);
        Assert.Null(DetectedBudget.From(Snapshot(), WorkerPid).RamBytesPerSecond);
    }

    [Fact]
    public void A_gpu_too_small_for_the_whole_model_gets_a_partial_or_cpu_badge_not_fits()
    {
        Report(Gpu(totalGib: 0.001, freeGib: 0.001));

        var verdict = _fit.For(_model, _fit.Budget());

        Assert.NotNull(verdict);
        Assert.NotEqual(FitKind.FitsFully, verdict.Kind);
    }

    [Fact]
    public void A_load_whose_buffers_outgrew_the_estimate_corrects_a_tight_fit()
    {
        var estimation = new EstimationModelSource().For(_model).Model!;
        var context = (int)Math.Min(LibraryFit.DefaultContext, _model.Architecture.MaxContextLength!.Value);
        var settings = RunSettings.Default with { ContextLength = context };
        // Free VRAM exactly what the formulas need for a full offload, plus the auto-fit margin.
        var full = MemoryEstimator.Estimate(estimation, settings with { GpuLayers = -1 }, [GpuBudget.WithGibibytes("GPU", 80)]);
        Report(new GpuInfo { Index = 0, Name = "RTX Test", MemoryTotalBytes = 8L << 30, MemoryFreeBytes = full.TotalGpuBytes + settings.AutoFitMarginBytes });
        Assert.Equal(FitKind.FitsFully, _fit.For(_model, _fit.Budget())?.Kind);

        // The worker then reports a CPU load at those settings where llama.cpp's compute buffer was twice the formula's.
        var cpu = MemoryEstimator.Estimate(estimation, settings, []);
        var buffers = new LlamaBuffers(cpu.WeightsCpuBytes, cpu.KvCacheCpuBytes, 2 * cpu.ComputeCpuBytes, cpu.OutputBufferBytes, GpuBytes: 0);
        _registry.SetLoadedModel("c1", new ModelLoadResult(true, null, _path, context, 1, 1, 1, buffers, MicroBatchSize: 512, FlashAttention: true));

        var corrected = _fit.For(_model, _fit.Budget());
        Assert.NotNull(corrected);
        Assert.NotEqual(FitKind.FitsFully, corrected.Kind);
    }

    private static GpuInfo Gpu(double totalGib, double freeGib) => new()
    {
        Index = 0,
        Name = "RTX Test",
        MemoryTotalBytes = (long)(totalGib * (1L << 30)),
        MemoryFreeBytes = (long)(freeGib * (1L << 30)),
    };

    private static HardwareSnapshot Snapshot(params GpuInfo[] gpus) => new()
    {
        HostName = "box",
        CapturedAt = DateTimeOffset.UnixEpoch,
        Cpu = new CpuInfo { LogicalProcessors = 8, ProcessorsAvailable = 8 },
        Memory = new MemoryInfo { TotalBytes = 32L << 30, AvailableBytes = 20L << 30 },
        Software = new SoftwareInfo("Linux", ".NET 10", "Cpu"),
        Gpus = gpus,
    };

    private void Report(params GpuInfo[] gpus)
    {
        _registry.Register("c1", new WorkerRegistration("w1", "box", WorkerPid, "Cpu", "1.0", null));
        _registry.SetHardware("c1", Snapshot(gpus));
    }

    public void Dispose() => _temp.Delete(recursive: true);
}
