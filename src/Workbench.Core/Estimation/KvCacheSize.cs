namespace Workbench.Core.Estimation;

/// <summary>
/// Size of llama.cpp's KV cache (llama_kv_cache): per layer, cells × (row of n_embd_k_gqa keys + row of
/// n_embd_v_gqa values) in the cache types, where n_embd_k_gqa = n_embd_head_k × n_head_kv(il). All parallel
/// sequences share the cells, so the size does not depend on the number of sequences. Recurrent layers keep a fixed
/// state per sequence instead (llama_memory_recurrent, f32).
/// </summary>
public static class KvCacheSize
{
    /// <summary>KV cache (or recurrent state) bytes of one layer.</summary>
    public static long ForLayer(EstimationModel model, RunSettings settings, ContextShape shape, int layer)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(shape);
        if (model.IsRecurrentLayer(layer))
        {
            return checked(model.RecurrentStateBytesPerSequence * Math.Max(1, shape.Sequences));
        }

        long cells = shape.CellsFor(model, layer);
        var key = settings.KeyCacheType.RowBytes(model.KeyValuesPerToken(layer));
        var value = settings.ValueCacheType.RowBytes(model.ValueValuesPerToken(layer));
        return checked(cells * (key + value));
    }

    /// <summary>KV cache bytes of all layers.</summary>
    public static long Total(EstimationModel model, RunSettings settings)
    {
        ArgumentNullException.ThrowIfNull(model);
        var shape = ContextShape.Resolve(model, settings);
        long total = 0;
        for (var layer = 0; layer < model.LayerCount; layer++)
        {
            total = checked(total + ForLayer(model, settings, shape, layer));
        }

        return total;
    }

    /// <summary>
    /// Bytes of the cache holding <paramref name="tokens"/> tokens of a conversation: each attention layer fills one
    /// cell per token (sliding-window layers no more than their window), recurrent layers keep their fixed state.
    /// The buffer itself is allocated whole at load (<see cref="Total"/>); this is how much of it is in use.
    /// </summary>
    public static long Filled(EstimationModel model, RunSettings settings, long tokens)
    {
        ArgumentNullException.ThrowIfNull(model);
        var shape = ContextShape.Resolve(model, settings);
        double filled = 0;
        for (var layer = 0; layer < model.LayerCount; layer++)
        {
            filled += ReadPerToken(model, settings, shape, layer, tokens);
        }

        return checked((long)filled);
    }

    /// <summary>
    /// Bytes of the cache read per generated token with <paramref name="tokens"/> tokens in context: attention reads
    /// every filled cell of its layer (up to the window for sliding-window layers); recurrent layers read their state.
    /// </summary>
    public static double ReadPerToken(EstimationModel model, RunSettings settings, ContextShape shape, int layer, long tokens)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(shape);
        if (model.IsRecurrentLayer(layer))
        {
            return model.RecurrentStateBytesPerSequence;
        }

        var filled = Math.Min(Math.Max(tokens, 0), shape.CellsFor(model, layer));
        if (model.IsSlidingWindowLayer(layer))
        {
            filled = Math.Min(filled, model.SlidingWindow);
        }

        var key = settings.KeyCacheType.RowBytes(model.KeyValuesPerToken(layer));
        var value = settings.ValueCacheType.RowBytes(model.ValueValuesPerToken(layer));
        return (double)filled * (key + value);
    }
}
