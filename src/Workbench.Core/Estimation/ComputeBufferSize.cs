namespace Workbench.Core.Estimation;

/// <summary>
/// Size of llama.cpp's compute buffers: the scratch memory ggml-alloc reserves for the largest graph (one
/// micro-batch of n_ubatch tokens, all of them producing logits, as <c>graph_reserve</c> plans it).
/// </summary>
/// <remarks>
/// ggml-alloc reuses the memory of tensors that are no longer needed, so the buffer is the peak of what is alive at
/// once, not the sum of all activations. The formulas model three peaks, each a sum of float32 activations of
/// n_ubatch rows, fitted to the <c>compute buffer size</c> llama.cpp (LLamaSharp 0.30, CPU backend) reports for
/// generated llama models with n_embd 512–1536, n_ff 512–4096, 8–24 heads, 1–12 KV heads, n_ctx 512–8192,
/// n_ubatch 128–512 and vocabularies of 452–30,452 tokens:
/// <list type="bullet">
/// <item>attention: the KQ mask (n_ctx × n_ubatch, f16 with flash attention, f32 without) + 5 × n_embd + 2 × n_embd_kv,
/// and without flash attention the scores n_head × n_ctx (exact on every measured shape);</item>
/// <item>feed-forward: the mask + 3 × n_ff (gate, up, their product) + 4 × n_embd (exact on most shapes, up to +28 %
/// where the allocator fits a few n_embd rows into freed gaps);</item>
/// <item>output: the logits n_vocab + 2 × n_embd (exact on most shapes, down to −14 % where fragmentation leaves a gap
/// below the logits).</item>
/// </list>
/// With a quantized K cache (q8_0, q4_0; with or without flash attention) one n_embd row moves: the layer peaks hold one
/// fewer and the output peak one more (measured on all 7 shapes of the worker's accuracy matrix, where it turned misses
/// of ±7 % of the buffer into the 0.01 MiB rounding). The matrix checks totals within 3 % (or 1 MiB) over 7 shapes and
/// 6 settings; a measured load corrects later estimates of the same model (<see cref="MeasuredCorrection"/>).
/// The same graph runs on a GPU, so its buffer follows the same shape; CUDA's buffer differs by alignment and fused
/// kernels, which is inside the margins above.
/// </remarks>
public static class ComputeBufferSize
{
    private const long FloatBytes = sizeof(float);

    /// <summary>Peak of one repeating layer's graph (attention or feed-forward, whichever is larger).</summary>
    public static long LayerPeak(EstimationModel model, RunSettings settings, ContextShape shape)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(shape);
        long ub = shape.MicroBatch;
        var masks = MaskBytes(model, settings, shape);
        var movedRow = MovedEmbeddingRows(settings);

        long maxKv = 0, maxScores = 0;
        for (var layer = 0; layer < model.LayerCount; layer++)
        {
            if (model.IsRecurrentLayer(layer))
            {
                continue;
            }

            maxKv = Math.Max(maxKv, model.KeyValuesPerToken(layer) + model.ValueValuesPerToken(layer));
            maxScores = Math.Max(maxScores, (long)model.HeadCountPerLayer[layer] * shape.StreamCellsFor(model, layer));
        }

        var attention = masks + ub * FloatBytes * ((5 - movedRow) * model.EmbeddingLength + maxKv + (settings.FlashAttention ? 0 : maxScores));

        var feedForwardRows = 3 * model.FeedForwardLength;
        if (model.ExpertCount > 0)
        {
            // Mixture of experts: gate, up and product for each routed expert, plus router logits and probabilities.
            var expertFf = model.ExpertFeedForwardLength > 0 ? model.ExpertFeedForwardLength : model.FeedForwardLength;
            feedForwardRows = Math.Max(feedForwardRows, 3 * model.ExpertUsedCount * expertFf + 2L * model.ExpertCount);
        }

        var feedForward = masks + ub * FloatBytes * (feedForwardRows + (4 - movedRow) * model.EmbeddingLength);
        return checked(Math.Max(attention, feedForward));
    }

    /// <summary>Peak of the output layer's graph with an f16 cache: logits for every token of the micro-batch.</summary>
    public static long OutputPeak(EstimationModel model, ContextShape shape) => OutputPeak(model, RunSettings.Default, shape);

    /// <summary>Peak of the output layer's graph: logits for every token of the micro-batch.</summary>
    public static long OutputPeak(EstimationModel model, RunSettings settings, ContextShape shape)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(shape);
        return checked(shape.MicroBatch * FloatBytes * (model.VocabularySize + (2 + MovedEmbeddingRows(settings)) * model.EmbeddingLength));
    }

    /// <summary>Compute buffer when the whole model runs on the CPU.</summary>
    public static long CpuOnly(EstimationModel model, RunSettings settings, ContextShape shape) =>
        Math.Max(LayerPeak(model, settings, shape), OutputPeak(model, settings, shape));

    /// <summary>The n_embd row a quantized K cache moves from the layer peaks to the output peak (see the remarks).</summary>
    private static long MovedEmbeddingRows(RunSettings settings) => settings.KeyCacheType.IsQuantized() ? 1 : 0;

    /// <summary>
    /// Host-side buffer of a GPU run (llama.cpp's <c>CUDA_Host compute buffer</c>): the input embeddings, looked up
    /// on the CPU, and the f32 attention masks before they are copied to the GPU.
    /// </summary>
    public static long HostInputs(EstimationModel model, ContextShape shape)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(shape);
        return checked(shape.MicroBatch * FloatBytes * (model.EmbeddingLength + MaskCells(model, shape)));
    }

    private static long MaskBytes(EstimationModel model, RunSettings settings, ContextShape shape)
    {
        long maskElementBytes = settings.FlashAttention ? 2 : 4;
        return MaskCells(model, shape) * shape.MicroBatch * maskElementBytes;
    }

    /// <summary>Columns of the attention masks: one mask for full-attention layers, one for sliding-window layers.</summary>
    private static long MaskCells(EstimationModel model, ContextShape shape)
    {
        var flags = model.SlidingWindowLayers;
        var anyWindow = model.SlidingWindow > 0 && flags is not null && flags.Contains(true);
        var anyFull = !anyWindow || flags!.Contains(false);
        return (anyFull ? shape.StreamContextCells : 0L) + (anyWindow ? shape.StreamSlidingWindowCells : 0L);
    }
}
