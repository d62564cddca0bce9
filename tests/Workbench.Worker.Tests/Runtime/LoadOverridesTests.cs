using Workbench.Core.Estimation;
using Workbench.Core.Gguf;
using Workbench.Core.Protocol;
using Workbench.Worker.Runtime;

namespace Workbench.Worker.Tests.Runtime;

/// <summary>The KV cache type and flash attention chosen by hand reach llama.cpp, and what it allocates follows them.</summary>
[Collection(LlamaLogCaptureGroup.Name)]
public sealed class LoadOverridesTests(DemoModelFixture demo) : IClassFixture<DemoModelFixture>, IAsyncLifetime
{
    private readonly ModelRuntime _runtime = TestRuntime.Create();

    [Fact]
    public async Task An_f32_cache_allocates_what_the_estimator_says_and_is_reported_with_the_load()
    {
        var f16 = await _runtime.LoadAsync(new ModelLoadRequest(demo.ModelPath, ContextSize: 512), null, CancellationToken.None);
        var f32 = await _runtime.LoadAsync(
            new ModelLoadRequest(demo.ModelPath, ContextSize: 512, Overrides: new LoadOverrides(KvCache: KvCacheType.F32)), null, CancellationToken.None);

        Assert.True(f16.Succeeded, f16.Error);
        Assert.True(f32.Succeeded, f32.Error);
        Assert.Equal(KvCacheType.F16, f16.KvCache);
        Assert.Equal(KvCacheType.F32, f32.KvCache);
        // The cache the estimator sizes for this model, window and type; llama.cpp logs MiB with two decimals.
        var model = EstimationModel.FromGguf(GgufReader.ReadFile(demo.ModelPath));
        var expected = KvCacheSize.Total(model, RunSettings.Default with { ContextLength = 512, KeyCacheType = KvCacheType.F32, ValueCacheType = KvCacheType.F32 });
        Assert.InRange(f32.Buffers!.KvCacheBytes, expected - 6_000, expected + 6_000);
        Assert.InRange(f32.Buffers.KvCacheBytes, 2 * f16.Buffers!.KvCacheBytes - 12_000, 2 * f16.Buffers.KvCacheBytes + 12_000);
    }

    [Fact]
    public async Task A_cache_whose_blocks_do_not_divide_the_heads_fails_the_load_with_llama_cpps_reason_as_the_estimator_predicts()
    {
        var model = EstimationModel.FromGguf(GgufReader.ReadFile(demo.ModelPath));

        var result = await _runtime.LoadAsync(
            new ModelLoadRequest(demo.ModelPath, ContextSize: 512, Overrides: new LoadOverrides(KvCache: KvCacheType.Q8_0, FlashAttention: true)),
            null, CancellationToken.None);

        // The demo model's heads are 16 wide; a q8_0 block holds 32 values.
        Assert.NotNull(KvCacheType.Q8_0.RefusalFor(model));
        Assert.False(result.Succeeded);
        Assert.Contains("does not divide n_embd_head_k=16", result.Error, StringComparison.Ordinal);
        Assert.Null(_runtime.LoadedModelPath);
        var after = await _runtime.LoadAsync(new ModelLoadRequest(demo.ModelPath, ContextSize: 512), null, CancellationToken.None);
        Assert.True(after.Succeeded, after.Error);
    }

    [Fact]
    public async Task A_quantized_cache_without_flash_attention_is_refused_with_the_reason_before_llama_cpp_tries()
    {
        var result = await _runtime.LoadAsync(
            new ModelLoadRequest(demo.ModelPath, ContextSize: 512, Overrides: new LoadOverrides(KvCache: KvCacheType.Q4_0, FlashAttention: false)),
            null, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Contains("needs flash attention", result.Error, StringComparison.Ordinal);
        Assert.Null(_runtime.LoadedModelPath);
    }

    [Fact]
    public async Task Flash_attention_off_is_what_llama_cpp_runs_and_the_same_choice_again_keeps_the_loaded_model()
    {
        var request = new ModelLoadRequest(demo.ModelPath, ContextSize: 512, Overrides: new LoadOverrides(FlashAttention: false));

        var first = await _runtime.LoadAsync(request, null, CancellationToken.None);
        var again = await _runtime.LoadAsync(request, null, CancellationToken.None);

        Assert.True(first.Succeeded, first.Error);
        Assert.False(first.FlashAttention);
        Assert.Same(first, again);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _runtime.DisposeAsync();
}
