using Workbench.Core.Estimation;

namespace Workbench.Core.Tests.Estimation;

public sealed class KvCacheSizeTests
{
    private static readonly EstimationModel Llama3 = KnownShapes.Llama3_8BModel;

    private static long Kv(EstimationModel model, int context, KvCacheType k = KvCacheType.F16, KvCacheType v = KvCacheType.F16, int sequences = 1) =>
        KvCacheSize.Total(model, new RunSettings { ContextLength = context, KeyCacheType = k, ValueCacheType = v, ParallelSequences = sequences });

    [Fact]
    public void F16_cache_of_llama3_8b_at_8192_tokens_is_exactly_one_gibibyte()
    {
        // 32 layers × 8192 cells × (128 × 8 keys + 128 × 8 values) × 2 bytes.
        Assert.Equal(1L << 30, Kv(Llama3, 8192));
    }

    [Fact]
    public void Q8_0_cache_is_34_64ths_of_f16()
    {
        // q8_0 stores 32 values in 34 bytes, f16 in 64.
        Assert.Equal((1L << 30) / 64 * 34, Kv(Llama3, 8192, KvCacheType.Q8_0, KvCacheType.Q8_0));
    }

    [Fact]
    public void Q4_0_cache_is_18_64ths_of_f16()
    {
        Assert.Equal((1L << 30) / 64 * 18, Kv(Llama3, 8192, KvCacheType.Q4_0, KvCacheType.Q4_0));
    }

    [Fact]
    public void Keys_and_values_are_sized_by_their_own_types()
    {
        var halfF16 = (1L << 30) / 2;

        Assert.Equal(halfF16 + halfF16 / 64 * 34, Kv(Llama3, 8192, KvCacheType.Q8_0, KvCacheType.F16));
    }

    [Fact]
    public void F32_cache_is_twice_f16()
    {
        Assert.Equal(2L << 30, Kv(Llama3, 8192, KvCacheType.F32, KvCacheType.F32));
    }

    [Fact]
    public void Multi_head_attention_caches_four_times_what_8_kv_heads_of_32_cache()
    {
        var mha = KnownShapes.Llama2_7B.ToModel();

        Assert.Equal(4 * Kv(Llama3, 4096), Kv(mha, 4096));
        Assert.Equal(2L << 30, Kv(mha, 4096));
    }

    [Fact]
    public void Cache_grows_linearly_with_context()
    {
        var at4k = Kv(Llama3, 4096);

        Assert.Equal(2 * at4k, Kv(Llama3, 8192));
        Assert.Equal(8 * at4k, Kv(Llama3, 32768));
    }

    [Fact]
    public void Context_is_padded_to_whole_blocks_of_256_cells()
    {
        Assert.Equal(Kv(Llama3, 1024), Kv(Llama3, 1000));
        Assert.Equal(Kv(Llama3, 1280), Kv(Llama3, 1025));
    }

    [Fact]
    public void Parallel_sequences_share_the_context_instead_of_multiplying_it()
    {
        Assert.Equal(Kv(Llama3, 8192), Kv(Llama3, 8192, sequences: 4));
    }

    [Fact]
    public void Sliding_window_layers_cache_the_window_plus_one_micro_batch()
    {
        var gemma = KnownShapes.Gemma3_12B.ToModel();
        var settings = new RunSettings { ContextLength = 32768 };
        var shape = ContextShape.Resolve(gemma, settings);
        var perCell = 2 * 8 * 256 * 2L; // K and V, 8 KV heads of 256, f16

        // Layer 0 uses the window: pad(1024 + 512, 256) = 1536 cells; layer 5 attends to everything.
        Assert.Equal(1536 * perCell, KvCacheSize.ForLayer(gemma, settings, shape, 0));
        Assert.Equal(32768 * perCell, KvCacheSize.ForLayer(gemma, settings, shape, 5));
        Assert.Equal((8 * 32768 + 40 * 1536) * perCell, KvCacheSize.Total(gemma, settings));
    }

    [Fact]
    public void Sliding_window_caches_stop_growing_once_the_context_exceeds_the_window()
    {
        var gemma = KnownShapes.Gemma3_12B.ToModel();
        var fullLayersOnly = 8 * 2 * 8 * 256 * 2L;

        var growth = Kv(gemma, 65536) - Kv(gemma, 32768);

        Assert.Equal(32768 * fullLayersOnly, growth);
    }

    [Fact]
    public void Full_sliding_window_cache_holds_the_whole_context_in_every_layer()
    {
        var gemma = KnownShapes.Gemma3_12B.ToModel();
        var settings = new RunSettings { ContextLength = 32768, FullSlidingWindowCache = true };

        Assert.Equal(48 * 32768 * (2 * 8 * 256 * 2L), KvCacheSize.Total(gemma, settings));
    }

    [Fact]
    public void Kv_read_per_token_covers_only_the_filled_cells()
    {
        var settings = new RunSettings { ContextLength = 8192 };
        var shape = ContextShape.Resolve(Llama3, settings);

        var read = KvCacheSize.ReadPerToken(Llama3, settings, shape, layer: 0, tokens: 1000);

        Assert.Equal(1000 * 2 * 1024 * 2.0, read);
    }
}
