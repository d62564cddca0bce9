using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Workbench.Core.Estimation;
using Workbench.Core.Protocol;
using Workbench.Web.Chat;
using Workbench.Web.Components.Conversations;

namespace Workbench.Web.Tests.Components;

/// <summary>The chat's load controls: what they hand up when changed, and the verdict they show.</summary>
public sealed class LoadControlsPanelTests : IAsyncLifetime
{
    private readonly BunitContext _context = new();
    private readonly List<LoadOverrides> _changes = [];

    public Task InitializeAsync()
    {
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddMudServices();
        _context.Renderer.SetRendererInfo(new RendererInfo("Server", true));
        return Task.CompletedTask;
    }

    [Fact]
    public void Turning_flash_attention_off_hands_up_that_choice_and_nothing_else()
    {
        var panel = Render(LoadOverrides.None, maxLayers: 33, verdict: new LoadControlsVerdict(FitKind.FitsFully, "On desk: fits the GPU: 5.1 GiB of VRAM, KV cache 512.0 MiB.", false));

        panel.Find("[data-testid=load-controls-toggle]").Click();
        Input(panel, "load-flash-attention").Change(false);

        Assert.Equal([new LoadOverrides(FlashAttention: false)], _changes);
        Assert.Contains("fits the GPU", panel.Find("[data-testid=load-verdict]").TextContent, StringComparison.Ordinal);
        Assert.Contains("mud-alert-text-success", panel.Find("[data-testid=load-verdict]").ClassName, StringComparison.Ordinal);
    }

    [Fact]
    public void Leaving_auto_layers_starts_from_all_layers_and_a_refusal_is_shown_as_an_error()
    {
        var panel = Render(new LoadOverrides(KvCache: KvCacheType.Q4_0, FlashAttention: false), maxLayers: 33,
            verdict: new LoadControlsVerdict(null, "A q4_0 KV cache needs flash attention: llama.cpp refuses a quantized V cache without it.", true));

        panel.Find("[data-testid=load-controls-toggle]").Click();
        Input(panel, "load-gpu-auto").Change(false);

        Assert.Equal(33, _changes.Single().GpuLayers);
        Assert.Equal(KvCacheType.Q4_0, _changes.Single().KvCache);
        Assert.Contains("mud-alert-text-error", panel.Find("[data-testid=load-verdict]").ClassName, StringComparison.Ordinal);
        Assert.Contains("(chosen by hand)", panel.Find("[data-testid=load-controls-toggle]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void On_a_worker_without_a_gpu_the_layer_choice_is_off_and_says_why()
    {
        var panel = Render(LoadOverrides.None, maxLayers: null, verdict: new LoadControlsVerdict(FitKind.CpuOnly, "On box: runs on the CPU: 1.0 GiB of RAM, KV cache 64.0 MiB.", false));

        panel.Find("[data-testid=load-controls-toggle]").Click();

        Assert.True(Input(panel, "load-gpu-auto").HasAttribute("disabled"));
        Assert.Contains("runs on the CPU: no layers go to a GPU", panel.Markup, StringComparison.Ordinal);
        Assert.Empty(panel.FindAll("[data-testid=load-gpu-layers]"));
        Assert.True(panel.Find("[data-testid=load-defaults]").HasAttribute("disabled"));
    }

    // MudSwitch passes the test id on to its checkbox.
    private static AngleSharp.Dom.IElement Input(IRenderedComponent<LoadControlsPanel> panel, string id) => panel.Find($"input[data-testid={id}]");

    private IRenderedComponent<LoadControlsPanel> Render(LoadOverrides value, int? maxLayers, LoadControlsVerdict verdict) =>
        _context.Render<LoadControlsPanel>(p => p
            .Add(c => c.Value, value)
            .Add(c => c.MaxGpuLayers, maxLayers)
            .Add(c => c.Verdict, verdict)
            .Add(c => c.ValueChanged, EventCallback.Factory.Create<LoadOverrides>(this, _changes.Add)));

    public Task DisposeAsync() => _context.DisposeAsync().AsTask();
}
