using System.Diagnostics.CodeAnalysis;
using Workbench.Core.Gguf;

namespace Workbench.Core.Estimation;

/// <summary>
/// Element type of the K or V cache: the values llama.cpp accepts for <c>--cache-type-k</c> / <c>--cache-type-v</c>.
/// Quantized V caches need flash attention in llama.cpp.
/// </summary>
[SuppressMessage("Naming", "CA1707:Identifiers should not contain underscores",
    Justification = "Member names mirror llama.cpp's cache type names (q8_0, iq4_nl …) as users type them.")]
public enum KvCacheType
{
    F32,
    F16,
    BF16,
    Q8_0,
    Q4_0,
    Q4_1,
    IQ4_NL,
    Q5_0,
    Q5_1,
}

/// <summary>Storage layout of a <see cref="KvCacheType"/>.</summary>
public static class KvCacheTypes
{
    /// <summary>The ggml type that stores cache entries of this kind.</summary>
    public static GgmlType ToGgmlType(this KvCacheType type) => type switch
    {
        KvCacheType.F32 => GgmlType.F32,
        KvCacheType.F16 => GgmlType.F16,
        KvCacheType.BF16 => GgmlType.BF16,
        KvCacheType.Q8_0 => GgmlType.Q8_0,
        KvCacheType.Q4_0 => GgmlType.Q4_0,
        KvCacheType.Q4_1 => GgmlType.Q4_1,
        KvCacheType.IQ4_NL => GgmlType.IQ4_NL,
        KvCacheType.Q5_0 => GgmlType.Q5_0,
        KvCacheType.Q5_1 => GgmlType.Q5_1,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown KV cache type."),
    };

    /// <summary>True for block-quantized cache types (llama.cpp needs flash attention to quantize the V cache).</summary>
    public static bool IsQuantized(this KvCacheType type) => GgmlTypeInfo.Get(type.ToGgmlType()).IsQuantized;

    /// <summary>
    /// Bytes of one cache row of <paramref name="elements"/> values (ggml_row_size). A row that is not a whole number of
    /// blocks is rounded up to whole blocks (llama.cpp refuses such a cache; the estimate stays an upper bound).
    /// </summary>
    public static long RowBytes(this KvCacheType type, long elements)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(elements);
        var info = GgmlTypeInfo.Get(type.ToGgmlType());
        return checked((elements + info.BlockSize - 1) / info.BlockSize * info.BytesPerBlock);
    }

    /// <summary>The type named <paramref name="name"/> as llama.cpp spells it ("q8_0", any case); numbers are not names.</summary>
    public static bool TryParse(string? name, out KvCacheType type)
    {
        type = default;
        return name is { Length: > 0 } && char.IsLetter(name[0]) && Enum.TryParse(name, ignoreCase: true, out type) && Enum.IsDefined(type);
    }

    /// <summary>
    /// Why llama.cpp refuses a cache of <paramref name="type"/> for <paramref name="model"/>: its blocks must divide the
    /// key and value head lengths (a q8_0 cache cannot hold Phi-2's 80-wide heads). Null when it accepts it.
    /// </summary>
    public static string? RefusalFor(this KvCacheType type, EstimationModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var block = GgmlTypeInfo.Get(type.ToGgmlType()).BlockSize;
        var head = model.KeyHeadLength % block != 0 ? model.KeyHeadLength : model.ValueHeadLength % block != 0 ? model.ValueHeadLength : 0;
        return head == 0
            ? null
            : $"llama.cpp refuses a {type.DisplayName()} KV cache for this model: its blocks of {block} values do not divide the heads of {head}.";
    }

    /// <summary>The names llama.cpp accepts, for error messages.</summary>
    public static string Names => string.Join(", ", Enum.GetValues<KvCacheType>().Select(t => t.DisplayName()));

    /// <summary>llama.cpp's name for the type ("q8_0").</summary>
    public static string DisplayName(this KvCacheType type) => GgmlTypeInfo.Get(type.ToGgmlType()).GgmlName;
}
