using Workbench.Core.Estimation;

namespace Workbench.Core.Tests.Estimation;

public sealed class ContextShapeTests
{
    private static readonly EstimationModel Llama3 = KnownShapes.Llama3_8BModel;

    [Fact]
    public void Without_a_context_the_training_context_is_used()
    {
        var shape = ContextShape.Resolve(Llama3, RunSettings.Default);

        Assert.Equal(8192, shape.RequestedContext);
        Assert.Equal(8192, shape.ContextCells);
    }

    [Fact]
    public void Micro_batch_is_capped_by_a_short_context()
    {
        // Measured with llama.cpp: n_ctx 300 gives n_ubatch 300 and 512 KV cells.
        var shape = ContextShape.Resolve(Llama3, new RunSettings { ContextLength = 300 });

        Assert.Equal(300, shape.MicroBatch);
        Assert.Equal(512, shape.ContextCells);
    }

    [Fact]
    public void Micro_batch_is_capped_by_the_batch()
    {
        var shape = ContextShape.Resolve(Llama3, new RunSettings { ContextLength = 4096, BatchSize = 256, MicroBatchSize = 512 });

        Assert.Equal(256, shape.MicroBatch);
    }

    [Fact]
    public void Sliding_window_cache_scales_with_parallel_sequences()
    {
        var gemma = KnownShapes.Gemma3_12B.ToModel();

        var shape = ContextShape.Resolve(gemma, new RunSettings { ContextLength = 32768, ParallelSequences = 4 });

        // pad(1024 × 4 + 512, 256)
        Assert.Equal(4608, shape.SlidingWindowCells);
    }
}
