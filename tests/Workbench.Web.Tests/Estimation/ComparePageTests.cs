using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Workbench.Core.DemoModel;
using Workbench.Core.Hardware;
using Workbench.Core.Protocol;
using Workbench.Core.Library;
using Workbench.Web.Components.Pages;
using Workbench.Web.Estimation;
using Workbench.Web.Hosting;
using Workbench.Web.Library;
using Workbench.Web.Workers;

namespace Workbench.Web.Tests.Estimation;

/// <summary>The Compare page over a real generated GGUF model.</summary>
public sealed class ComparePageTests : IAsyncLifetime
{
    private readonly BunitContext _context = new();
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("workbench-compare-");
    private readonly WorkerRegistry _workers = new(TimeProvider.System);
    private LoadMeasurements _measurements = null!;
    private readonly MeasuredSpeeds _speeds = new();

    public Task InitializeAsync()
    {
        var path = Path.Combine(_temp.FullName, "big.gguf");
        // Large enough that the KV cache at long contexts matters: 8 layers, n_embd 512, 2k context.
        DemoModelGenerator.Write(path, new DemoModelOptions { EmbeddingLength = 512, LayerCount = 8, HeadCount = 8, HeadCountKv = 8, FeedForwardLength = 1024, ContextLength = 131072 });
        var descriptor = ModelFileScanner.Describe(new ModelFileScanner().FindCandidates(new ModelStoreRoot(_temp.FullName, ModelSource.ModelRoot)).Single());
        var library = new LibraryIndex();
        library.Replace([descriptor]);
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddMudServices();
        _context.Services.AddSingleton(library);
        var source = new EstimationModelSource();
        _context.Services.AddSingleton(source);
        _measurements = TestLoadMeasurements.Create(_workers, library, source, _temp.CreateSubdirectory("data"));
        _context.Services.AddSingleton(_measurements);
        _context.Services.AddSingleton(new LibraryFit(_workers, source, _measurements));
        _context.Services.AddSingleton(_speeds);
        // The hub field needs a reader; these tests never read, so the default hub settings do.
        _context.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(new Workbench.Web.Hosting.WorkbenchOptions { DataDirectory = _temp.FullName }));
        _context.Services.AddSingleton<Workbench.Web.Data.WorkbenchDatabase>();
        _context.Services.AddSingleton(TimeProvider.System);
        _context.Services.AddLogging();
        _context.Services.AddWorkbenchHub(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        return Task.CompletedTask;
    }

    [Fact]
    public void The_table_has_a_row_per_quantization_and_a_column_per_context()
    {
        var page = _context.Render<Compare>();

        Assert.True(page.FindAll("[data-testid=compare-row]").Count >= 20);
        Assert.Equal(7, page.FindAll("[data-testid=compare-row]")[0].QuerySelectorAll("[data-testid=compare-cell]").Length);
        Assert.Contains(page.FindAll("[data-testid=compare-row]"), r => r.GetAttribute("data-label") == "Q4_K_M");
    }

    [Fact]
    public void Taking_the_gpu_away_turns_every_gguf_verdict_into_cpu_only_and_the_gpu_only_runtimes_off()
    {
        var page = _context.Render<Compare>();
        Assert.Contains(Verdicts(page), v => v == "FitsFully");

        page.Find("[data-testid=gpu-none]").Click();

        Assert.All(RowVerdicts(page, "llamacpp"), v => Assert.Equal("CpuOnly", v));
        Assert.All(RowVerdicts(page, "exllamav2").Concat(RowVerdicts(page, "vllm")), v => Assert.Equal("DoesNotFit", v));
    }

    [Fact]
    public async Task A_smaller_kv_cache_lowers_the_memory_needed_at_long_context()
    {
        var page = _context.Render<Compare>();
        var before = LastCellText(page);

        var select = page.FindComponent<MudBlazor.MudSelect<Workbench.Core.Estimation.KvCacheType>>();
        await page.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(Workbench.Core.Estimation.KvCacheType.Q4_0));

        page.WaitForAssertion(() => Assert.NotEqual(before, LastCellText(page)));
    }

    [Fact]
    public void The_detected_gpu_is_chosen_first_and_a_cell_explains_its_parts_and_speed()
    {
        // 8 GiB free, 1 GHz memory clock on a 256-bit bus: 64 GB/s theoretical.
        ReportWorker("Cuda12", new GpuInfo { Index = 0, Name = "RTX Test", MemoryTotalBytes = 8L << 30, MemoryFreeBytes = 8L << 30, MaxMemoryClockMhz = 1000, MemoryBusWidthBits = 256 });

        var page = _context.Render<Compare>();

        Assert.Contains("mud-chip-color-primary", page.Find("[data-testid=gpu-gpu0]").ClassList);
        Assert.Contains("RTX Test · 8 GiB free", page.Find("[data-testid=gpu-gpu0]").TextContent, StringComparison.Ordinal);
        page.FindAll("[data-testid=compare-row]")[0].QuerySelectorAll("[data-testid=compare-cell]")[0].Click();
        Assert.Contains("tokens/s", page.Find("[data-testid=breakdown-speed]").TextContent, StringComparison.Ordinal);
        Assert.Equal(["weights", "KV cache", "compute", "overhead"], page.FindAll("[data-testid=breakdown-part]").Select(p => p.TextContent.Split(':')[0]));
    }

    [Fact]
    public void The_breakdown_chart_has_units_on_its_axis_and_the_vram_as_a_line_and_the_ram_when_nothing_runs_on_a_gpu()
    {
        var page = _context.Render<Compare>();

        page.Find("[data-testid=gpu-vram16]").Click();
        Assert.Equal("GiB", page.Find("[data-testid=breakdown-unit]").TextContent);
        Assert.Equal("GPU", page.Find("[data-testid=breakdown-bar]").GetAttribute("data-pool"));
        Assert.Equal("VRAM 16 GiB", page.Find("[data-testid=breakdown-limit]").TextContent.Trim());

        page.Find("[data-testid=gpu-none]").Click();
        Assert.Equal(["RAM"], page.FindAll("[data-testid=breakdown-bar]").Select(b => b.GetAttribute("data-pool")));
    }

    [Fact]
    public async Task A_quantized_cache_without_flash_attention_gets_no_table_but_the_reason()
    {
        var page = _context.Render<Compare>();

        var select = page.FindComponent<MudBlazor.MudSelect<Workbench.Core.Estimation.KvCacheType>>();
        await page.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(Workbench.Core.Estimation.KvCacheType.Q8_0));
        var flashAttention = page.FindComponents<MudBlazor.MudSwitch<bool>>().Single(c => c.Instance.Label == "Flash attention");
        await page.InvokeAsync(() => flashAttention.Instance.ValueChanged.InvokeAsync(false));

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=compare-row]")));
        Assert.Contains("refuses a quantized V cache", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task More_parallel_answers_need_more_memory_for_the_same_window()
    {
        var page = _context.Render<Compare>();
        var before = LastCellText(page);

        var select = page.FindComponent<MudBlazor.MudSelect<int>>();
        await page.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(4));

        page.WaitForAssertion(() => Assert.NotEqual(before, LastCellText(page)));
    }

    [Fact]
    public void A_what_if_size_has_no_bandwidth_so_no_speed_is_made_up()
    {
        var page = _context.Render<Compare>();

        page.Find("[data-testid=gpu-vram16]").Click();

        Assert.Contains("pick a detected GPU", page.Find("[data-testid=breakdown-speed]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_the_model_was_loaded_its_measured_buffers_correct_every_cell_until_switched_off()
    {
        var page = _context.Render<Compare>();
        Assert.Empty(page.FindAll("[data-testid=compare-correction]"));
        var formulasOnly = LastCellText(page);

        // The worker reports a load at 4k context whose KV cache was half again what the formulas say.
        var path = Path.Combine(_temp.FullName, "big.gguf");
        var model = new EstimationModelSource().For(Library().Models[0]).Model!;
        var cpu = Workbench.Core.Estimation.MemoryEstimator.Estimate(model, Workbench.Core.Estimation.RunSettings.Default with { ContextLength = 4096 }, []);
        _workers.Register("c1", new WorkerRegistration("w", "box", 7, "Cpu", "1.0", null));
        _workers.SetLoadedModel("c1", new ModelLoadResult(
            true, null, path, 4096, 1, 1, 1,
            new LlamaBuffers(cpu.WeightsCpuBytes, cpu.KvCacheCpuBytes * 3 / 2, cpu.ComputeCpuBytes, cpu.OutputBufferBytes, GpuBytes: 0),
            MicroBatchSize: 512, FlashAttention: true));

        page.WaitForAssertion(() => Assert.Contains("KV cache +50.0 %", page.Find("[data-testid=compare-correction]").TextContent, StringComparison.Ordinal));
        var corrected = LastCellText(page);
        Assert.NotEqual(formulasOnly, corrected);

        var toggle = page.FindComponents<MudBlazor.MudSwitch<bool>>().Single(c => c.Instance.Label == "Correct by the measured load");
        await page.InvokeAsync(() => toggle.Instance.ValueChanged.InvokeAsync(false));

        page.WaitForAssertion(() => Assert.Equal(formulasOnly, LastCellText(page)));
    }

    [Fact]
    public void Once_the_file_has_answered_here_its_row_shows_the_measured_speed_beside_the_expected_range()
    {
        ReportWorker("Cpu");
        var page = _context.Render<Compare>();
        Assert.Empty(page.FindAll("[data-testid=breakdown-measured-speed]"));

        var path = Path.Combine(_temp.FullName, "big.gguf");
        _speeds.Record("box", path, new GenerationCompletion(GenerationOutcome.Completed, null, 10, 65, 0, 2000, 4096));
        // Another choice and back recomputes the selected cell (the user's own quant at 4k) on this machine's CPU.
        page.Find("[data-testid=gpu-none]").Click();
        page.Find("[data-testid=gpu-cpu]").Click();

        Assert.Contains("Expected decode speed", page.Find("[data-testid=breakdown-speed]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Measured here: 32 tokens/s, the median of 1 answer", page.Find("[data-testid=breakdown-measured-speed]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exl2_rows_are_judged_in_exllamav2_and_change_with_its_cache_mode()
    {
        var page = _context.Render<Compare>();
        var exl2 = page.FindAll("[data-testid=compare-row][data-runtime=exllamav2]");
        Assert.NotEmpty(exl2);
        Assert.All(exl2, r => Assert.Equal("ExLlamaV2", r.QuerySelector("[data-testid=row-runtime]")!.TextContent));
        var before = Exl2LastCell(page);
        var gguf = LastCellText(page);

        var cache = page.FindComponent<MudBlazor.MudSelect<Workbench.Core.Estimation.Runtimes.Exl2CacheMode>>();
        await page.InvokeAsync(() => cache.Instance.ValueChanged.InvokeAsync(Workbench.Core.Estimation.Runtimes.Exl2CacheMode.Q4));

        page.WaitForAssertion(() => Assert.NotEqual(before, Exl2LastCell(page)));
        Assert.Equal(gguf, LastCellText(page));
    }

    [Fact]
    public async Task Picking_an_rtx_3090_by_name_shows_a_speed()
    {
        var page = _context.Render<Compare>();

        var catalog = page.FindComponents<MudBlazor.MudSelect<string>>().Single(c => c.Instance.Label == "…or a GPU by name");
        await page.InvokeAsync(() => catalog.Instance.ValueChanged.InvokeAsync("rtx-3090"));

        page.WaitForAssertion(() => Assert.Contains("tokens/s", page.Find("[data-testid=breakdown-speed]").TextContent, StringComparison.Ordinal));
        Assert.Contains("of 24 GiB free VRAM", page.Find("[data-testid=breakdown-verdict]").TextContent, StringComparison.Ordinal);
        // Speed, memory and quality side by side: every row that runs has its speed at the chosen context.
        var q4 = page.FindAll("[data-testid=compare-row][data-label=Q4_K_M]").Single();
        Assert.EndsWith("tok/s", q4.QuerySelector("[data-testid=row-speed]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("+0.18 ppl", q4.QuerySelector("[data-testid=row-quality]")!.TextContent);
    }

    [Fact]
    public async Task Every_runtime_adds_gptq_rows_for_exllamav2_and_transformers()
    {
        var page = _context.Render<Compare>();
        var before = page.FindAll("[data-testid=compare-row]").Count;

        var every = page.FindComponents<MudBlazor.MudSwitch<bool>>().Single(c => c.Instance.Label!.StartsWith("Every runtime", StringComparison.Ordinal));
        await page.InvokeAsync(() => every.Instance.ValueChanged.InvokeAsync(true));

        page.WaitForAssertion(() => Assert.Equal(before + 3, page.FindAll("[data-testid=compare-row]").Count));
        Assert.NotEmpty(page.FindAll("[data-testid=compare-row][data-runtime=transformers]"));
    }

    [Fact]
    public void Each_column_marks_the_best_quality_that_fits()
    {
        var page = _context.Render<Compare>();

        var best = page.FindAll("[data-best=true]");
        Assert.Equal(7, best.Count);
        Assert.All(best, cell => Assert.Equal("FitsFully", cell.GetAttribute("data-verdict")));
    }

    [Fact]
    public async Task A_pasted_config_json_builds_a_table_for_a_model_you_do_not_have()
    {
        var page = _context.Render<Compare>();
        const string Config = """{ "model_type": "llama", "num_hidden_layers": 32, "hidden_size": 4096, "num_attention_heads": 32, "num_key_value_heads": 8, "intermediate_size": 14336, "vocab_size": 128256, "max_position_embeddings": 8192 }""";

        var box = page.FindComponents<MudBlazor.MudTextField<string>>().Single(c => c.Instance.Label == "config.json");
        await page.InvokeAsync(() => box.Instance.ValueChanged.InvokeAsync(Config));
        page.Find("[data-testid=compare-paste-build]").Click();

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=compare-row]")[0].QuerySelectorAll("[data-testid=compare-cell]").Length));
        // An 8B model: Q4_K_M weighs about 4.9 GB, written in binary units like every size on the pages.
        var q4 = page.FindAll("[data-testid=compare-row][data-label=Q4_K_M]").Single();
        Assert.Contains("4.6 GiB", q4.TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=compare-paste-problem]"));
    }

    [Fact]
    public async Task A_pasted_text_that_is_no_config_says_why()
    {
        var page = _context.Render<Compare>();

        var box = page.FindComponents<MudBlazor.MudTextField<string>>().Single(c => c.Instance.Label == "config.json");
        await page.InvokeAsync(() => box.Instance.ValueChanged.InvokeAsync("""{ "model_type": "llama" }"""));
        page.Find("[data-testid=compare-paste-build]").Click();

        page.WaitForAssertion(() => Assert.Contains("num_hidden_layers", page.Find("[data-testid=compare-paste-problem]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_seed_question_rtx_3090_or_rtx_4080_for_a_34b_at_4_bit_is_answered_on_one_screen()
    {
        var page = _context.Render<Compare>();
        var model = page.FindComponents<MudBlazor.MudSelect<string>>().Single(c => c.Instance.Label == "Model");
        await page.InvokeAsync(() => model.Instance.ValueChanged.InvokeAsync("known:codellama-34b"));
        var catalog = page.FindComponents<MudBlazor.MudSelect<string>>().Single(c => c.Instance.Label == "…or a GPU by name");
        await page.InvokeAsync(() => catalog.Instance.ValueChanged.InvokeAsync("rtx-3090"));
        var versus = page.FindComponents<MudBlazor.MudSelect<string>>().Single(c => c.Instance.Label == "Versus (a GPU by name)");
        await page.InvokeAsync(() => versus.Instance.ValueChanged.InvokeAsync("rtx-4080"));

        page.WaitForAssertion(() => Assert.Contains("Versus GeForce RTX 4080", page.Find("[data-testid=breakdown-versus]").TextContent, StringComparison.Ordinal));
        Assert.Contains("Q4_K_M in llama.cpp at 4k context", page.Find("[data-testid=compare-breakdown]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Runs fully on the GPU", page.Find("[data-testid=breakdown-verdict]").TextContent, StringComparison.Ordinal);
        Assert.Contains("tokens/s", page.Find("[data-testid=breakdown-speed]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Partial offload", page.Find("[data-testid=breakdown-versus]").TextContent, StringComparison.Ordinal);
        Assert.Contains("tokens/s there", page.Find("[data-testid=breakdown-versus]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void The_chart_draws_memory_against_context_with_the_gpus_memory_as_a_line()
    {
        var page = _context.Render<Compare>();

        var chart = page.Find("[data-testid=compare-chart]");
        // One line per drawn quantization plus the GPU's memory.
        Assert.True(chart.QuerySelectorAll(".mud-charts-line-series path").Length >= 5);
        Assert.Contains("VRAM: 24 GiB", chart.TextContent, StringComparison.Ordinal);
        Assert.Contains("Q4_K_M (llama.cpp)", chart.TextContent, StringComparison.Ordinal);
    }

    private static string Exl2LastCell(IRenderedComponent<Compare> page) =>
        page.FindAll("[data-testid=compare-row][data-runtime=exllamav2]")[^1].QuerySelectorAll("[data-testid=compare-cell]")[^1].TextContent;

    /// <summary>A worker on host "box" reports 8 threads, 24 GiB of free RAM and <paramref name="gpus"/>.</summary>
    private void ReportWorker(string backend, params GpuInfo[] gpus)
    {
        _workers.Register("c1", new WorkerRegistration("w", "box", 7, backend, "1.0", null));
        _workers.SetHardware("c1", new HardwareSnapshot
        {
            HostName = "box",
            CapturedAt = DateTimeOffset.UnixEpoch,
            Cpu = new CpuInfo { LogicalProcessors = 8, ProcessorsAvailable = 8 },
            Memory = new MemoryInfo { TotalBytes = 32L << 30, AvailableBytes = 24L << 30 },
            Software = new SoftwareInfo("Linux", ".NET 10", backend),
            Gpus = gpus,
        });
    }

    private LibraryIndex Library() => _context.Services.GetRequiredService<LibraryIndex>();

    private static List<string?> Verdicts(IRenderedComponent<Compare> page) =>
        [.. page.FindAll("[data-testid=compare-cell]").Select(c => c.GetAttribute("data-verdict"))];

    private static List<string?> RowVerdicts(IRenderedComponent<Compare> page, string runtime) =>
        [.. page.FindAll($"[data-testid=compare-row][data-runtime={runtime}] [data-testid=compare-cell]").Select(c => c.GetAttribute("data-verdict"))];

    private static string LastCellText(IRenderedComponent<Compare> page) =>
        page.FindAll("[data-testid=compare-row]")[^1].QuerySelectorAll("[data-testid=compare-cell]")[^1].TextContent;

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        _temp.Delete(recursive: true);
    }
}
