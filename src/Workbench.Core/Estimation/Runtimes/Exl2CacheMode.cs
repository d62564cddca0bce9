namespace Workbench.Core.Estimation.Runtimes;

/// <summary>ExLlamaV2's cache classes: <c>ExLlamaV2Cache</c>, <c>ExLlamaV2Cache_Q8</c>, <c>_Q6</c>, <c>_Q4</c> (TabbyAPI's <c>cache_mode</c>).</summary>
public enum Exl2CacheMode
{
    Fp16,
    Q8,
    Q6,
    Q4,
}

/// <summary>
/// Storage of each cache mode, from exllamav2/cache.py (v0.3.2): <c>ExLlamaV2CacheBase</c> stores a layer's keys as
/// (batch, max_seq_len, kv_heads, head_dim / weights_per_element_k) and the values alike; the quantized caches store
/// uint8 with 2 elements per byte (Q4 keys and values, Q6 values) or 1 (Q8, Q6 keys: the Q6 kernel in
/// exllamav2_ext/cuda/cache.cu is <c>&lt;8, 4&gt;</c>), plus fp16 scales of shape (…, head_dim / 32) for keys and for values.
/// </summary>
public static class Exl2CacheModes
{
    /// <summary>Every mode, largest first.</summary>
    public static IReadOnlyList<Exl2CacheMode> All { get; } = [Exl2CacheMode.Fp16, Exl2CacheMode.Q8, Exl2CacheMode.Q6, Exl2CacheMode.Q4];

    /// <summary>The API's and TabbyAPI's name: "fp16", "q8", "q6", "q4".</summary>
    public static string ApiName(this Exl2CacheMode mode) => mode switch
    {
        Exl2CacheMode.Fp16 => "fp16",
        Exl2CacheMode.Q8 => "q8",
        Exl2CacheMode.Q6 => "q6",
        Exl2CacheMode.Q4 => "q4",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown cache mode."),
    };

    /// <summary>Reads an API name (case-insensitive).</summary>
    public static bool TryParse(string? text, out Exl2CacheMode mode)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(text, candidate.ApiName(), StringComparison.OrdinalIgnoreCase))
            {
                mode = candidate;
                return true;
            }
        }

        mode = default;
        return false;
    }

    /// <summary>Bytes one token takes in one layer's cache: keys, values and, for quantized modes, their fp16 scales.</summary>
    public static long BytesPerToken(this Exl2CacheMode mode, int kvHeads, int headDim)
    {
        long elements = (long)kvHeads * headDim;
        long scales = mode == Exl2CacheMode.Fp16 ? 0 : 2L * kvHeads * (headDim / 32) * sizeof(short);
        return mode switch
        {
            Exl2CacheMode.Fp16 => 2 * elements * 2,
            Exl2CacheMode.Q8 => elements + elements + scales,
            Exl2CacheMode.Q6 => elements + elements / 2 + scales,
            Exl2CacheMode.Q4 => elements / 2 + elements / 2 + scales,
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown cache mode."),
        };
    }

    /// <summary>
    /// Token count a cache of <paramref name="tokens"/> really holds: the dynamic generator needs whole 256-token pages
    /// (generator/dynamic.py, <c>PAGED_PAGE_SIZE</c>), and a quantized cache rounds to a whole number of its 512-element
    /// quantization blocks (<c>ExLlamaV2Cache_Q.__init__</c>, <c>Q_CACHE_BLOCKSIZE_Q</c>).
    /// </summary>
    public static long CacheTokens(this Exl2CacheMode mode, long tokens, int kvHeads, int headDim)
    {
        const long PageSize = 256;
        var paged = (tokens + PageSize - 1) / PageSize * PageSize;
        if (mode == Exl2CacheMode.Fp16)
        {
            return paged;
        }

        long kvDim = (long)kvHeads * headDim, block = 1;
        while (kvDim > 0 && kvDim * block % 512 != 0)
        {
            block++;
        }

        return (paged + block - 1) / block * block;
    }
}
