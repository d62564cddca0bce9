using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using Workbench.Core.Protocol;
using Workbench.Core.Telemetry;
using Workbench.Web.Components.Shared;
using Workbench.Web.Telemetry;
using Workbench.Web.Workers;

namespace Workbench.Web.Tests.Telemetry;

public sealed class TelemetryStripTests : IAsyncLifetime
{
    private readonly BunitContext _context = new();
    private readonly TelemetryStore _store = new(Options.Create(new TelemetryOptions { SubscriberThrottleMs = 10 }), TimeProvider.System);
    private readonly WorkerRegistry _registry = new(TimeProvider.System);
    private readonly WorkerActivityLog _activity = new(TimeProvider.System);
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("workbench-strip-");

    public Task InitializeAsync()
    {
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddMudServices();
        _context.Services.AddSingleton(_store);
        _context.Services.AddSingleton(_registry);
        _context.Services.AddSingleton(TimeProvider.System);
        _context.Services.AddSingleton(_activity);
        Workbench.Web.Tests.TestSupport.TestFleet.Add(_context.Services, _registry, _data.FullName);
        _context.Services.AddSingleton(new Workbench.Web.Estimation.LoadedModelEstimates(new Workbench.Web.Library.LibraryIndex(), new Workbench.Web.Estimation.EstimationModelSource()));
        _context.Renderer.SetRendererInfo(new RendererInfo("Server", true));
        _registry.Register("c1", new WorkerRegistration("w1", "box", 1, "Cpu", "0.1.0", null));
        return Task.CompletedTask;
    }

    [Fact]
    public void Before_any_sample_the_strip_says_it_is_waiting()
    {
        var strip = _context.Render<TelemetryStrip>();

        Assert.NotNull(strip.Find("[data-testid=telemetry-strip-waiting]"));
    }

    [Fact]
    public void A_sample_without_gpus_shows_cpu_ram_and_no_gpu()
    {
        var strip = _context.Render<TelemetryStrip>();

        _store.Add("box", new TelemetrySample(DateTimeOffset.UtcNow, [], 42.4, 16L << 30, 12L << 30, 1L << 30));

        strip.WaitForAssertion(() =>
        {
            Assert.Equal("CPU 42 %", strip.Find("[data-testid=strip-cpu]").TextContent.Trim());
            Assert.Equal("RAM 4.0 / 16.0 GiB", strip.Find("[data-testid=strip-ram]").TextContent.Trim());
            Assert.Equal("no GPU", strip.Find("[data-testid=strip-vram]").TextContent.Trim());
        }, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void A_sample_with_a_gpu_shows_vram_used_of_total()
    {
        _store.Add("box", new TelemetrySample(
            DateTimeOffset.UtcNow, [new GpuTelemetry(0, "RTX", 3L << 30, 24L << 30, 50, 60, 100)], 5, 16L << 30, 12L << 30, 1L << 30));

        var strip = _context.Render<TelemetryStrip>();

        Assert.Equal("VRAM 3.0 / 24.0 GiB", strip.Find("[data-testid=strip-vram]").TextContent.Trim());
    }

    [Fact]
    public void The_activity_label_follows_a_generation_as_it_starts_and_ends_without_waiting_for_a_sample()
    {
        _store.Add("box", new TelemetrySample(DateTimeOffset.UtcNow, [], 5, 16L << 30, 12L << 30, 1L << 30));
        var strip = _context.Render<TelemetryStrip>();
        Assert.Equal("idle", strip.Find("[data-testid=strip-activity]").TextContent.Trim());

        var generating = _activity.Begin("box", WorkerActivity.Generating);
        strip.WaitForAssertion(() => Assert.Equal("generating", strip.Find("[data-testid=strip-activity]").TextContent.Trim()), TimeSpan.FromSeconds(5));

        generating.Dispose();
        strip.WaitForAssertion(() => Assert.Equal("idle", strip.Find("[data-testid=strip-activity]").TextContent.Trim()), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Answers_generated_side_by_side_are_counted()
    {
        _store.Add("box", new TelemetrySample(DateTimeOffset.UtcNow, [], 5, 16L << 30, 12L << 30, 1L << 30));
        var strip = _context.Render<TelemetryStrip>();

        using var first = _activity.Begin("box", WorkerActivity.Generating);
        using var second = _activity.Begin("box", WorkerActivity.Generating);
        using var third = _activity.Begin("box", WorkerActivity.Generating);

        strip.WaitForAssertion(() => Assert.Equal("generating 3 answers", strip.Find("[data-testid=strip-activity]").TextContent.Trim()), TimeSpan.FromSeconds(5));
        third.Dispose();
        second.Dispose();
        strip.WaitForAssertion(() => Assert.Equal("generating", strip.Find("[data-testid=strip-activity]").TextContent.Trim()), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void With_two_machines_the_strip_follows_the_one_holding_the_chats_model_and_names_it()
    {
        _registry.Register("c2", new WorkerRegistration("w2", "desk-3090", 2, "Cuda12", "0.1.0", null));
        _registry.SetLoadedModel("c2", new ModelLoadResult(true, null, "/models/big.gguf", 4096, 0, 1UL << 30, 12.0));
        _store.Add("box", new TelemetrySample(DateTimeOffset.UtcNow, [], 5, 16L << 30, 12L << 30, 1L << 30));
        _store.Add("desk-3090", new TelemetrySample(
            DateTimeOffset.UtcNow, [new GpuTelemetry(0, "RTX 3090", 9L << 30, 24L << 30, 80, 60, 300)], 20, 64L << 30, 40L << 30, 1L << 30));

        var strip = _context.Render<TelemetryStrip>(p => p.Add(s => s.ModelPath, "/models/big.gguf"));

        Assert.Equal("desk-3090", strip.Find("[data-testid=strip-host]").TextContent.Trim());
        Assert.Equal("VRAM 9.0 / 24.0 GiB", strip.Find("[data-testid=strip-vram]").TextContent.Trim());
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        _data.Delete(recursive: true);
    }
}
