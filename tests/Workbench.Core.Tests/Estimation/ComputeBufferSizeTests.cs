using Workbench.Core.Estimation;

namespace Workbench.Core.Tests.Estimation;

public sealed class ComputeBufferSizeTests
{
    private static EstimationModel Demo(int embd, int heads, int kvHeads, int ff, int vocab) => new TransformerShape
    {
        LayerCount = 2,
        EmbeddingLength = embd,
        HeadCount = heads,
        HeadCountKv = kvHeads,
        FeedForwardLength = ff,
        VocabularySize = vocab,
        ContextLength = 8192,
    }.ToModel();

    private static double CpuMiB(EstimationModel model, int context, int microBatch, bool flashAttention)
    {
        var settings = new RunSettings { ContextLength = context, MicroBatchSize = microBatch, FlashAttention = flashAttention };
        return ComputeBufferSize.CpuOnly(model, settings, ContextShape.Resolve(model, settings)) / (double)ByteSize.MiB;
    }

    /// <summary>
    /// "CPU compute buffer size" that llama.cpp (LLamaSharp 0.30.0, CPU backend) reported for generated llama models
    /// of these shapes; the tolerance is what the estimate promises.
    /// </summary>
    [Theory]
    [InlineData(768, 12, 4, 2048, 4452, 4096, 512, true, 22.01)]
    [InlineData(768, 12, 4, 2048, 4452, 4096, 512, false, 112.51)]
    [InlineData(768, 12, 4, 2048, 4452, 8192, 512, false, 216.51)]
    [InlineData(768, 12, 4, 2048, 4452, 4096, 128, true, 5.50)]
    [InlineData(768, 12, 4, 2048, 20452, 4096, 512, true, 42.95)]
    [InlineData(768, 12, 12, 2048, 452, 4096, 512, false, 114.51)]
    [InlineData(1024, 16, 4, 2048, 452, 4096, 512, false, 147.01)]
    [InlineData(1024, 8, 4, 2048, 452, 4096, 512, false, 84.01)]
    [InlineData(1024, 16, 4, 2048, 452, 1024, 512, false, 45.01)]
    [InlineData(1024, 16, 4, 4096, 452, 4096, 512, true, 36.01)]
    [InlineData(1024, 16, 4, 1024, 452, 4096, 512, true, 14.01)]
    [InlineData(1024, 16, 4, 2048, 20452, 1024, 512, true, 50.96)]
    [InlineData(512, 8, 4, 1024, 30452, 1024, 256, true, 30.74)]
    [InlineData(1536, 24, 4, 2048, 452, 4096, 512, true, 24.01)]
    [InlineData(768, 12, 4, 2048, 452, 300, 512, true, 10.85)]
    public void Cpu_compute_buffer_is_within_30_percent_of_what_llama_cpp_reported(
        int embd, int heads, int kvHeads, int ff, int vocab, int context, int microBatch, bool flashAttention, double reportedMiB)
    {
        var estimated = CpuMiB(Demo(embd, heads, kvHeads, ff, vocab), context, microBatch, flashAttention);

        Assert.InRange(estimated / reportedMiB, 0.70, 1.30);
    }

    [Fact]
    public void Without_flash_attention_the_scores_of_every_head_over_the_context_are_added()
    {
        var model = Demo(1024, 16, 4, 512, 452);

        var difference = CpuMiB(model, 4096, 512, flashAttention: false) - CpuMiB(model, 4096, 512, flashAttention: true);

        // 16 heads × 4096 × 512 f32 scores = 128 MiB, and the mask doubles from f16 to f32 (+4 MiB).
        Assert.Equal(132, difference, 3);
    }

    [Fact]
    public void Compute_buffer_grows_linearly_with_the_micro_batch()
    {
        var model = KnownShapes.Llama3_8BModel;

        Assert.Equal(2 * CpuMiB(model, 8192, 256, true), CpuMiB(model, 8192, 512, true), 6);
    }

    [Fact]
    public void Logits_of_a_large_vocabulary_dominate_with_flash_attention()
    {
        var model = KnownShapes.Llama3_8BModel;
        var settings = new RunSettings { ContextLength = 8192 };
        var shape = ContextShape.Resolve(model, settings);

        // 128,256 logits × 512 tokens × 4 bytes = 250.5 MiB, plus two rows of n_embd.
        Assert.Equal(266.5 * ByteSize.MiB, ComputeBufferSize.OutputPeak(model, shape));
        Assert.True(ComputeBufferSize.OutputPeak(model, shape) > ComputeBufferSize.LayerPeak(model, settings, shape));
    }

    [Theory]
    [InlineData(KvCacheType.Q8_0)]
    [InlineData(KvCacheType.Q4_0)]
    public void A_quantized_k_cache_moves_one_embedding_row_from_the_layer_peak_to_the_output_peak(KvCacheType cache)
    {
        var model = KnownShapes.Llama3_8BModel;
        var f16 = new RunSettings { ContextLength = 8192 };
        var quantized = f16 with { KeyCacheType = cache, ValueCacheType = cache };
        var shape = ContextShape.Resolve(model, f16);
        // 512 tokens × 4,096 floats × 4 bytes = 8 MiB.
        const long row = 8 * ByteSize.MiB;

        Assert.Equal(ComputeBufferSize.LayerPeak(model, f16, shape) - row, ComputeBufferSize.LayerPeak(model, quantized, shape));
        Assert.Equal(ComputeBufferSize.OutputPeak(model, f16, shape) + row, ComputeBufferSize.OutputPeak(model, quantized, shape));
    }

    [Fact]
    public void Host_inputs_of_a_gpu_run_are_the_embeddings_and_the_f32_mask()
    {
        var model = KnownShapes.Llama3_8BModel;
        var shape = ContextShape.Resolve(model, new RunSettings { ContextLength = 8192 });

        // 512 × (4096 + 8192) floats = 24 MiB, what llama.cpp reports as "CUDA_Host compute buffer" for this model.
        Assert.Equal(24 * ByteSize.MiB, ComputeBufferSize.HostInputs(model, shape));
    }
}
