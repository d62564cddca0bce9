using Workbench.Core.Gguf;

namespace Workbench.Core.Tests.Gguf;

public sealed class GgmlTypeInfoTests
{
    // Expected sizes worked out by hand from ggml's block structs (ggml-common.h).
    [Theory]
    [InlineData(GgmlType.F32, 10, 40)]
    [InlineData(GgmlType.F16, 10, 20)]
    [InlineData(GgmlType.Q4_0, 32, 18)]              // f16 d + 16 bytes of nibbles
    [InlineData(GgmlType.Q4_1, 64, 40)]              // 2 × (d, m + 16)
    [InlineData(GgmlType.Q5_0, 32, 22)]              // d + 4 bytes high bits + 16
    [InlineData(GgmlType.Q5_1, 32, 24)]              // d, m + 4 + 16
    [InlineData(GgmlType.Q8_0, 64, 68)]              // 2 × (d + 32)
    [InlineData(GgmlType.Q8_1, 32, 36)]              // d, s + 32
    [InlineData(GgmlType.Q2_K, 256, 84)]             // 16 scales + 64 quants + d + dmin
    [InlineData(GgmlType.Q3_K, 512, 220)]            // 2 × (32 hmask + 64 + 12 scales + d)
    [InlineData(GgmlType.Q4_K, 256, 144)]            // d, dmin + 12 scales + 128
    [InlineData(GgmlType.Q5_K, 256, 176)]            // d, dmin + 12 + 32 high bits + 128
    [InlineData(GgmlType.Q6_K, 256, 210)]            // 128 + 64 + 16 scales + d
    [InlineData(GgmlType.Q8_K, 256, 292)]            // f32 d + 256 + 16 × i16 sums
    [InlineData(GgmlType.IQ2_XXS, 256, 66)]          // d + 32 × u16
    [InlineData(GgmlType.IQ2_XS, 256, 74)]           // d + 32 × u16 + 8 scales
    [InlineData(GgmlType.IQ3_XXS, 256, 98)]          // d + 96
    [InlineData(GgmlType.IQ1_S, 256, 50)]            // d + 32 + 8 × u16
    [InlineData(GgmlType.IQ4_NL, 32, 18)]            // d + 16
    [InlineData(GgmlType.IQ3_S, 256, 110)]           // d + 64 + 8 + 32 signs + 4 scales
    [InlineData(GgmlType.IQ2_S, 256, 82)]            // d + 64 + 8 + 8
    [InlineData(GgmlType.IQ4_XS, 256, 136)]          // d + u16 scales_h + 4 + 128
    [InlineData(GgmlType.I8, 7, 7)]
    [InlineData(GgmlType.I16, 7, 14)]
    [InlineData(GgmlType.I32, 7, 28)]
    [InlineData(GgmlType.I64, 7, 56)]
    [InlineData(GgmlType.F64, 3, 24)]
    [InlineData(GgmlType.IQ1_M, 256, 56)]            // 32 + 16 + 8
    [InlineData(GgmlType.BF16, 5, 10)]
    [InlineData(GgmlType.TQ1_0, 256, 54)]            // 48 + 4 + d
    [InlineData(GgmlType.TQ2_0, 256, 66)]            // 64 + d
    [InlineData(GgmlType.MXFP4, 32, 17)]             // e8m0 exponent + 16
    [InlineData(GgmlType.NVFP4, 64, 36)]             // 4 scales + 32
    [InlineData(GgmlType.Q1_0, 128, 18)]             // d + 16
    public void A_one_row_tensor_has_the_hand_computed_size(GgmlType type, ulong elements, long expectedBytes)
    {
        Assert.Equal(expectedBytes, GgmlTypeInfo.Get(type).GetTensorByteSize([elements]));
    }

    [Theory]
    [InlineData(GgmlType.Q4_K, 4096UL, 4096UL, 9_437_184L)]     // 16 blocks × 144 × 4096 rows
    [InlineData(GgmlType.Q6_K, 4096UL, 32_000UL, 107_520_000L)] // 16 × 210 × 32000
    [InlineData(GgmlType.F16, 64UL, 299UL, 38_272L)]
    [InlineData(GgmlType.Q8_0, 4096UL, 0UL, 0L)]
    public void A_matrix_size_is_row_size_times_rows(GgmlType type, ulong columns, ulong rows, long expectedBytes)
    {
        Assert.Equal(expectedBytes, GgmlTypeInfo.Get(type).GetTensorByteSize([columns, rows]));
    }

    [Fact]
    public void Higher_dimensions_multiply_the_size()
    {
        Assert.Equal(144L * 3 * 4 * 5, GgmlTypeInfo.Get(GgmlType.Q4_K).GetTensorByteSize([256, 3, 4, 5]));
    }

    [Theory]
    [InlineData(GgmlType.Q4_K, 4.5)]
    [InlineData(GgmlType.Q6_K, 6.5625)]
    [InlineData(GgmlType.Q8_0, 8.5)]
    [InlineData(GgmlType.F16, 16.0)]
    [InlineData(GgmlType.IQ2_XXS, 2.0625)]
    public void Bits_per_weight_follow_from_the_block_layout(GgmlType type, double expected)
    {
        Assert.Equal(expected, GgmlTypeInfo.Get(type).BitsPerWeight, precision: 10);
    }

    [Fact]
    public void Every_enum_member_has_a_layout()
    {
        Assert.Equal(Enum.GetValues<GgmlType>(), GgmlTypeInfo.All.Select(i => i.Type));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(36)]
    [InlineData(38)]
    [InlineData(42)]
    [InlineData(-1)]
    public void Removed_and_future_type_numbers_are_unknown(long value)
    {
        Assert.False(GgmlTypeInfo.TryGet(value, out _));
    }

    [Fact]
    public void Names_match_ggml()
    {
        var q4k = GgmlTypeInfo.Get(GgmlType.Q4_K);

        Assert.Equal("Q4_K", q4k.Name);
        Assert.Equal("q4_K", q4k.GgmlName);
    }

    [Fact]
    public void A_row_that_is_not_a_whole_number_of_blocks_is_refused()
    {
        Assert.Throws<ArgumentException>(() => GgmlTypeInfo.Get(GgmlType.Q4_K).GetTensorByteSize([100]));
    }
}
