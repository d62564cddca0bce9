using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Workbench.Core.Gguf;

/// <summary>
/// Storage layout of one <see cref="GgmlType"/>: elements are stored in blocks of <see cref="BlockSize"/>
/// elements taking <see cref="BytesPerBlock"/> bytes, laid out row by row along the innermost dimension (ne[0]).
/// Figures are ggml's <c>type_traits</c> (<c>blck_size</c>, <c>type_size</c>).
/// </summary>
public sealed class GgmlTypeInfo
{
    private static readonly GgmlTypeInfo[] Table =
    [
        new(GgmlType.F32, "f32", 1, 4, isQuantized: false),
        new(GgmlType.F16, "f16", 1, 2, isQuantized: false),
        new(GgmlType.Q4_0, "q4_0", 32, 18, isQuantized: true),
        new(GgmlType.Q4_1, "q4_1", 32, 20, isQuantized: true),
        new(GgmlType.Q5_0, "q5_0", 32, 22, isQuantized: true),
        new(GgmlType.Q5_1, "q5_1", 32, 24, isQuantized: true),
        new(GgmlType.Q8_0, "q8_0", 32, 34, isQuantized: true),
        new(GgmlType.Q8_1, "q8_1", 32, 36, isQuantized: true),
        new(GgmlType.Q2_K, "q2_K", 256, 84, isQuantized: true),
        new(GgmlType.Q3_K, "q3_K", 256, 110, isQuantized: true),
        new(GgmlType.Q4_K, "q4_K", 256, 144, isQuantized: true),
        new(GgmlType.Q5_K, "q5_K", 256, 176, isQuantized: true),
        new(GgmlType.Q6_K, "q6_K", 256, 210, isQuantized: true),
        new(GgmlType.Q8_K, "q8_K", 256, 292, isQuantized: true),
        new(GgmlType.IQ2_XXS, "iq2_xxs", 256, 66, isQuantized: true),
        new(GgmlType.IQ2_XS, "iq2_xs", 256, 74, isQuantized: true),
        new(GgmlType.IQ3_XXS, "iq3_xxs", 256, 98, isQuantized: true),
        new(GgmlType.IQ1_S, "iq1_s", 256, 50, isQuantized: true),
        new(GgmlType.IQ4_NL, "iq4_nl", 32, 18, isQuantized: true),
        new(GgmlType.IQ3_S, "iq3_s", 256, 110, isQuantized: true),
        new(GgmlType.IQ2_S, "iq2_s", 256, 82, isQuantized: true),
        new(GgmlType.IQ4_XS, "iq4_xs", 256, 136, isQuantized: true),
        new(GgmlType.I8, "i8", 1, 1, isQuantized: false),
        new(GgmlType.I16, "i16", 1, 2, isQuantized: false),
        new(GgmlType.I32, "i32", 1, 4, isQuantized: false),
        new(GgmlType.I64, "i64", 1, 8, isQuantized: false),
        new(GgmlType.F64, "f64", 1, 8, isQuantized: false),
        new(GgmlType.IQ1_M, "iq1_m", 256, 56, isQuantized: true),
        new(GgmlType.BF16, "bf16", 1, 2, isQuantized: false),
        new(GgmlType.TQ1_0, "tq1_0", 256, 54, isQuantized: true),
        new(GgmlType.TQ2_0, "tq2_0", 256, 66, isQuantized: true),
        new(GgmlType.MXFP4, "mxfp4", 32, 17, isQuantized: true),
        new(GgmlType.NVFP4, "nvfp4", 64, 36, isQuantized: true),
        new(GgmlType.Q1_0, "q1_0", 128, 18, isQuantized: true),
    ];

    private static readonly FrozenDictionary<int, GgmlTypeInfo> ByValue =
        Table.ToFrozenDictionary(info => (int)info.Type);

    /// <summary>Type numbers ggml once used and has since removed from GGUF files, with their old names.</summary>
    private static readonly FrozenDictionary<int, string> RemovedTypes = new Dictionary<int, string>
    {
        [4] = "Q4_2",
        [5] = "Q4_3",
        [31] = "Q4_0_4_4",
        [32] = "Q4_0_4_8",
        [33] = "Q4_0_8_8",
        [36] = "IQ4_NL_4_4",
        [37] = "IQ4_NL_4_8",
        [38] = "IQ4_NL_8_8",
    }.ToFrozenDictionary();

    private GgmlTypeInfo(GgmlType type, string ggmlName, int blockSize, int bytesPerBlock, bool isQuantized)
    {
        Type = type;
        GgmlName = ggmlName;
        BlockSize = blockSize;
        BytesPerBlock = bytesPerBlock;
        IsQuantized = isQuantized;
    }

    /// <summary>Every type this reader knows, in ggml numbering order.</summary>
    public static IReadOnlyList<GgmlTypeInfo> All => Table;

    public GgmlType Type { get; }

    /// <summary>Upper-case name as used in model file names, e.g. "Q4_K".</summary>
    public string Name => Type.ToString();

    /// <summary>ggml's own name (<c>ggml_type_name</c>), e.g. "q4_K".</summary>
    public string GgmlName { get; }

    /// <summary>Elements per block (ggml <c>blck_size</c>).</summary>
    public int BlockSize { get; }

    /// <summary>Bytes per block (ggml <c>type_size</c>).</summary>
    public int BytesPerBlock { get; }

    public bool IsQuantized { get; }

    /// <summary>Storage cost per element in bits, e.g. 4.5 for Q4_K.</summary>
    public double BitsPerWeight => BytesPerBlock * 8.0 / BlockSize;

    /// <summary>Layout of <paramref name="type"/>; throws for a value that is not a known type.</summary>
    public static GgmlTypeInfo Get(GgmlType type) =>
        TryGet((int)type, out var info)
            ? info
            : throw new ArgumentOutOfRangeException(nameof(type), type, $"{Describe((long)type)} is not a known ggml type.");

    /// <summary>Looks up a raw type number as stored in a GGUF file.</summary>
    public static bool TryGet(long value, [NotNullWhen(true)] out GgmlTypeInfo? info)
    {
        if (value is >= 0 and <= int.MaxValue && ByValue.TryGetValue((int)value, out info))
        {
            return true;
        }

        info = null;
        return false;
    }

    /// <summary>Readable description of a raw type number, naming removed types ("31 (Q4_0_4_4, removed from GGUF)").</summary>
    internal static string Describe(long value) =>
        TryGet(value, out var info) ? info.Name
        : value is >= 0 and <= int.MaxValue && RemovedTypes.TryGetValue((int)value, out var old) ? $"ggml type {value} ({old}, removed from GGUF)"
        : $"ggml type {value}";

    /// <summary>Bytes of one row of <paramref name="elements"/> elements (ggml <c>ggml_row_size</c>).</summary>
    public long GetRowSize(long elements)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(elements);
        if (elements % BlockSize != 0)
        {
            throw new ArgumentException($"{Name} stores elements in blocks of {BlockSize}; a row of {elements} elements is not a whole number of blocks.", nameof(elements));
        }

        return checked(elements / BlockSize * BytesPerBlock);
    }

    /// <summary>
    /// Exact byte size of a contiguous tensor of this type with dimensions <paramref name="dimensions"/>
    /// (innermost first): (ne[0] / block size) × bytes per block × ne[1] × ne[2] × ne[3].
    /// </summary>
    /// <exception cref="ArgumentException">The shape is invalid for this type or too large.</exception>
    public long GetTensorByteSize(ReadOnlySpan<ulong> dimensions)
    {
        var error = TryComputeSize(dimensions, out _, out var bytes);
        return error switch
        {
            null => bytes,
            _ => throw new ArgumentException(error, nameof(dimensions)),
        };
    }

    /// <summary>Element count and byte size of a tensor; returns an error text (null when valid).</summary>
    internal string? TryComputeSize(ReadOnlySpan<ulong> dimensions, out long elements, out long bytes)
    {
        elements = 0;
        bytes = 0;
        if (dimensions.Length is 0 or > GgufLimits.MaxDimensions)
        {
            return $"{dimensions.Length} dimensions given; between 1 and {GgufLimits.MaxDimensions} are allowed";
        }

        for (var i = 0; i < dimensions.Length; i++)
        {
            if (dimensions[i] > long.MaxValue)
            {
                return $"dimension {i} is {dimensions[i]}, larger than the largest allowed ({long.MaxValue})";
            }
        }

        var rowElements = (long)dimensions[0];
        if (rowElements % BlockSize != 0)
        {
            return $"type {Name} stores elements in blocks of {BlockSize}, but the first dimension is {rowElements}, not a multiple of {BlockSize}";
        }

        var count = rowElements;
        var sizeOverflow = rowElements / BlockSize > long.MaxValue / BytesPerBlock;
        var size = sizeOverflow ? 0 : rowElements / BlockSize * BytesPerBlock;
        for (var i = 1; i < dimensions.Length; i++)
        {
            var d = (long)dimensions[i];
            if (d != 0 && count > long.MaxValue / d)
            {
                return $"dimensions [{string.Join(", ", dimensions.ToArray())}] hold more than {long.MaxValue} elements";
            }

            count *= d;
            if (!sizeOverflow && d != 0 && size > long.MaxValue / d)
            {
                sizeOverflow = true;
            }

            size = sizeOverflow ? 0 : size * d;
        }

        if (sizeOverflow && count != 0)
        {
            return $"dimensions [{string.Join(", ", dimensions.ToArray())}] need more than {long.MaxValue} bytes";
        }

        elements = count;
        bytes = count == 0 ? 0 : size;
        return null;
    }

    public override string ToString() => Name;
}
