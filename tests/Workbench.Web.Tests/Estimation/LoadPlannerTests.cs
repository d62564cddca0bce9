using Workbench.Core.DemoModel;
using Workbench.Core.Hardware;
using Workbench.Core.Library;
using Workbench.Core.Protocol;
using Workbench.Web.Estimation;
using Workbench.Web.Library;
using Workbench.Web.Workers;
using Workbench.Web.Tests.TestSupport;

namespace Workbench.Web.Tests.Estimation;

/// <summary>How chat loads a real generated model: the context it picks and the GPU layers the estimator fits.</summary>
public sealed class LoadPlannerTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("workbench-planner-");
    private readonly WorkerRegistry _registry = new(TimeProvider.System);
    private readonly LoadPlanner _planner;
    private readonly string _path;

    public LoadPlannerTests()
    {
        _path = Path.Combine(_temp.FullName, "m.gguf");
        // 8 layers, n_embd 512, 8k trained context: ≈ 40 MB of F16 weights.
        DemoModelGenerator.Write(_path, new DemoModelOptions { EmbeddingLength = 512, LayerCount = 8, HeadCount = 8, HeadCountKv = 4, FeedForwardLength = 1024, ContextLength = 8192 });
        var model = ModelFileScanner.Describe(new ModelFileScanner().FindCandidates(_temp.FullName).Single());
        var library = new LibraryIndex();
        library.Replace([model]);
        var source = new EstimationModelSource();
        _planner = new LoadPlanner(_registry, library, source, TestLoadMeasurements.Create(_registry, library, source, _temp.CreateSubdirectory("data")), new FixedOptionsMonitor<RuntimeOptions>(new RuntimeOptions()));
    }

    [Theory]
    [InlineData(null, 4096)]
    [InlineData(2048, 2048)]
    [InlineData(32768, 8192)]
    public void The_context_is_the_choice_or_4k_and_never_past_what_the_model_was_trained_for(int? chosen, int expected) =>
        Assert.Equal(expected, _planner.Plan(_path, chosen).ContextSize);

    [Fact]
    public void The_choices_stop_at_the_trained_context()
    {
        Assert.Equal([2048, 4096, 8192], LoadPlanner.ContextChoices(8192));
        Assert.Equal([512], LoadPlanner.ContextChoices(512));
        Assert.Equal([2048, 4096, 6000], LoadPlanner.ContextChoices(6000));
        Assert.Equal(131072, LoadPlanner.ContextChoices(null)[^1]);
    }

    [Fact]
    public void A_cuda_worker_with_room_gets_every_layer_on_its_gpu()
    {
        Report("Cuda12", freeBytes: 8L << 30);

        Assert.Equal(9, _planner.Plan(_path, 4096).GpuLayers);
    }

    [Fact]
    public void A_cuda_worker_with_too_little_vram_gets_only_the_layers_that_fit()
    {
        // The 512 MiB auto-fit margin and 300 MiB runtime overhead leave ≈ 20 MiB for a ≈ 40 MB model.
        Report("Cuda12", freeBytes: (512 + 300 + 20) * (1L << 20));

        var layers = _planner.Plan(_path, 4096).GpuLayers;

        Assert.InRange(layers, 1, 8);
    }

    [Fact]
    public void A_cpu_build_of_llama_cpp_gets_no_gpu_layers_even_beside_a_gpu()
    {
        Report("Cpu", freeBytes: 8L << 30);

        Assert.Equal(0, _planner.Plan(_path, 4096).GpuLayers);
    }

    [Fact]
    public void The_same_model_loaded_with_a_larger_window_serves_a_smaller_request_without_reloading()
    {
        ModelLoadResult Loaded(string path, int context) => new(true, null, path, context, 1, 1, 1);

        Assert.False(WorkerGateway.NeedsLoad(Loaded(_path, 8192), new ModelLoadRequest(_path, 4096)));
        Assert.False(WorkerGateway.NeedsLoad(Loaded(_path, 4096), new ModelLoadRequest(_path, 4096)));
        Assert.True(WorkerGateway.NeedsLoad(Loaded(_path, 2048), new ModelLoadRequest(_path, 4096)));
        Assert.True(WorkerGateway.NeedsLoad(Loaded("/other.gguf", 8192), new ModelLoadRequest(_path, 4096)));
        Assert.True(WorkerGateway.NeedsLoad(null, new ModelLoadRequest(_path, 4096)));
    }

    [Fact]
    public void Among_three_machines_full_offload_wins_then_partial_then_the_cpu()
    {
        Report("Cuda12", freeBytes: (512 + 300 + 20) * (1L << 20), connection: "c-laptop", host: "laptop");
        Report("Cuda12", freeBytes: 8L << 30, connection: "c-desk", host: "desk");
        Report("Cpu", freeBytes: 0, connection: "c-nas", host: "nas");

        var first = _planner.Place(_path, 4096);
        var withoutDesk = _planner.Place(_path, 4096, excluded: new HashSet<string> { "c-desk" });
        var cpuOnly = _planner.Place(_path, 4096, excluded: new HashSet<string> { "c-desk", "c-laptop" });

        Assert.Equal("desk", first!.Value.Worker.Registration.HostName);
        Assert.StartsWith("on desk: fits fully", first.Value.Reason, StringComparison.Ordinal);
        Assert.Equal("laptop", withoutDesk!.Value.Worker.Registration.HostName);
        Assert.StartsWith("on laptop: partly on the GPU", withoutDesk.Value.Reason, StringComparison.Ordinal);
        Assert.StartsWith("on nas: on the CPU", cpuOnly!.Value.Reason, StringComparison.Ordinal);
        Assert.Equal(9, _planner.Plan(_path, 4096, first.Value.Worker).GpuLayers);
        Assert.InRange(_planner.Plan(_path, 4096, withoutDesk.Value.Worker).GpuLayers, 1, 8);
        Assert.Equal(0, _planner.Plan(_path, 4096, cpuOnly.Value.Worker).GpuLayers);
    }

    [Fact]
    public void A_q8_0_cache_chosen_by_hand_is_planned_for_and_lets_more_layers_onto_a_small_gpu()
    {
        // Room for part of the model with an f16 cache at 8k.
        Report("Cuda12", freeBytes: (512 + 300 + 30) * (1L << 20));
        var q8 = new LoadOverrides(KvCache: Core.Estimation.KvCacheType.Q8_0);

        var planned = _planner.Plan(_path, 8192);
        var chosen = _planner.Plan(_path, 8192, q8);
        var f16Preview = _planner.Preview(_path, 8192, null);
        var q8Preview = _planner.Preview(_path, 8192, q8);

        Assert.Null(planned.Overrides);
        Assert.Equal(q8, chosen.Overrides);
        Assert.True(chosen.GpuLayers > planned.GpuLayers, $"{chosen.GpuLayers} vs {planned.GpuLayers}");
        Assert.True(q8Preview.Estimate!.KvCacheBytes < f16Preview.Estimate!.KvCacheBytes * 6 / 10);
        Assert.Equal("box", q8Preview.Worker!.Registration.HostName);
    }

    [Fact]
    public void Gpu_layers_chosen_by_hand_replace_the_estimators_choice()
    {
        Report("Cuda12", freeBytes: 8L << 30);

        var request = _planner.Plan(_path, 4096, new LoadOverrides(GpuLayers: 3));
        var preview = _planner.Preview(_path, 4096, new LoadOverrides(GpuLayers: 3));

        Assert.Equal(3, request.GpuLayers);
        Assert.Equal(3, preview.Estimate!.GpuLayers);
        Assert.Equal(Core.Estimation.FitKind.PartialOffload, preview.Estimate.Verdict.Kind);
        Assert.Contains("3/9 layers on the GPU", LoadControlsVerdictText(preview), StringComparison.Ordinal);
    }

    [Fact]
    public void A_quantized_cache_without_flash_attention_has_no_estimate_but_the_reason()
    {
        Report("Cuda12", freeBytes: 8L << 30);

        var preview = _planner.Preview(_path, 4096, new LoadOverrides(KvCache: Core.Estimation.KvCacheType.Q4_0, FlashAttention: false));

        Assert.Null(preview.Estimate);
        Assert.Contains("needs flash attention", preview.Problem, StringComparison.Ordinal);
        Assert.True(Workbench.Web.Chat.LoadControlsVerdict.For(preview).Refused);
    }

    [Fact]
    public void Settings_chosen_by_hand_that_the_resident_copy_lacks_mean_loading_again_and_unchosen_ones_never_do()
    {
        var loaded = new ModelLoadResult(true, null, _path, 4096, 1, 1, 1, FlashAttention: true, GpuLayers: 9, KvCache: Core.Estimation.KvCacheType.Q8_0)
        {
            Buffers = new LlamaBuffers(1, 1, 1, 0, GpuBytes: 1),
        };

        Assert.False(WorkerGateway.NeedsLoad(loaded, new ModelLoadRequest(_path, 4096)));
        Assert.False(WorkerGateway.NeedsLoad(loaded, new ModelLoadRequest(_path, 4096, Overrides: new LoadOverrides(KvCache: Core.Estimation.KvCacheType.Q8_0))));
        Assert.True(WorkerGateway.NeedsLoad(loaded, new ModelLoadRequest(_path, 4096, Overrides: new LoadOverrides(KvCache: Core.Estimation.KvCacheType.F16))));
        Assert.True(WorkerGateway.NeedsLoad(loaded, new ModelLoadRequest(_path, 4096, Overrides: new LoadOverrides(FlashAttention: false))));
        Assert.True(WorkerGateway.NeedsLoad(loaded, new ModelLoadRequest(_path, 4096, Overrides: new LoadOverrides(GpuLayers: 4))));
        // On the CPU (nothing went to a GPU) the layer count changes nothing.
        Assert.False(WorkerGateway.NeedsLoad(loaded with { Buffers = new LlamaBuffers(1, 1, 1, 0, 0) }, new ModelLoadRequest(_path, 4096, Overrides: new LoadOverrides(GpuLayers: 4))));
    }

    private static string LoadControlsVerdictText(LoadPreview preview) => Workbench.Web.Chat.LoadControlsVerdict.For(preview).Text;

    private void Report(string backend, long freeBytes, string connection = "c1", string host = "box")
    {
        _registry.Register(connection, new WorkerRegistration("w-" + host, host, 4242, backend, "1.0", null));
        _registry.SetHardware(connection, new HardwareSnapshot
        {
            HostName = host,
            CapturedAt = DateTimeOffset.UnixEpoch,
            Cpu = new CpuInfo { LogicalProcessors = 8, ProcessorsAvailable = 8 },
            Memory = new MemoryInfo { TotalBytes = 32L << 30, AvailableBytes = 20L << 30 },
            Software = new SoftwareInfo("Linux", ".NET 10", backend),
            Gpus = freeBytes > 0 ? [new GpuInfo { Index = 0, Name = "RTX Test", MemoryTotalBytes = 8L << 30, MemoryFreeBytes = freeBytes }] : [],
        });
    }

    public void Dispose() => _temp.Delete(recursive: true);
}
