using Workbench.Core.Gguf;
using Workbench.Core.Tests.TestSupport;

namespace Workbench.Core.Tests.Gguf;

/// <summary>A corpus of broken and hostile headers: each must be refused with a <see cref="GgufFormatException"/>.</summary>
public sealed class MalformedGgufTests
{
    private const ulong Huge = 1UL << 60;

    [Fact]
    public void An_empty_file_is_refused()
    {
        var error = Rejects(GgufBytes.Empty());

        Assert.Contains("too short", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, error.Offset);
    }

    [Fact]
    public void A_wrong_magic_is_refused()
    {
        var error = Rejects(GgufBytes.Empty().Raw("GGML"u8).U32(3).U64(0).U64(0));

        Assert.Contains("magic 'GGUF'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'GGML'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Version_1_is_refused_with_advice()
    {
        var error = Rejects(GgufBytes.Header(version: 1));

        Assert.Contains("version 1 is not supported", error.Message, StringComparison.Ordinal);
        Assert.Equal(4, error.Offset);
    }

    [Fact]
    public void A_future_version_is_refused()
    {
        var error = Rejects(GgufBytes.Header(version: 99));

        Assert.Contains("unsupported GGUF version 99", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_big_endian_file_is_refused()
    {
        var error = Rejects(GgufBytes.Header(version: 0x0300_0000));

        Assert.Contains("big-endian", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_ends_inside_the_counts_is_refused()
    {
        var error = Rejects(GgufBytes.Empty().Raw("GGUF"u8).U32(3).U32(0));

        Assert.Contains("ends too early", error.Message, StringComparison.Ordinal);
        Assert.Contains("tensor count", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_ends_inside_a_metadata_value_is_refused()
    {
        var error = Rejects(GgufBytes.Header(metadataCount: 1).Key("llama.block_count", GgufValueType.UInt64).U32(7));

        Assert.Contains("metadata key 'llama.block_count'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_ends_inside_a_tensor_info_is_refused()
    {
        var error = Rejects(GgufBytes.Header(tensorCount: 1).Str("token_embd.weight").U32(2).U64(64));

        Assert.Contains("tensor 'token_embd.weight'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_truncation_of_a_valid_file_is_refused()
    {
        var bytes = GgufTestFiles.ToBytes(GgufTestFiles.SmallModel());
        var file = GgufTestFiles.Read(bytes);
        var endOfData = file.Tensors.Max(t => file.GetTensorFileOffset(t) + t.ByteSize);

        for (var length = 0; length < endOfData; length++)
        {
            var prefix = bytes.AsSpan(0, length).ToArray();
            Assert.Throws<GgufFormatException>(() => GgufTestFiles.Read(prefix));
        }
    }

    [Fact]
    public void A_stream_shorter_than_its_reported_length_is_refused()
    {
        var bytes = GgufTestFiles.ToBytes(GgufTestFiles.SmallModel());
        using var stream = new LyingLengthStream(bytes.AsSpan(0, 40).ToArray(), claimedLength: bytes.Length);

        Assert.Throws<GgufFormatException>(() => GgufReader.Read(stream));
    }

    [Fact]
    public void A_string_longer_than_the_file_is_refused()
    {
        var error = Rejects(GgufBytes.Header(metadataCount: 1).Key("general.name", GgufValueType.String).U64(Huge).Zeros(60));

        Assert.Contains($"string length {Huge}", error.Message, StringComparison.Ordinal);
        Assert.Contains("exceeds", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_longer_than_the_file_is_refused()
    {
        var error = Rejects(GgufBytes.Header(metadataCount: 1).U64(Huge).Zeros(40));

        Assert.Contains("metadata key length", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_array_longer_than_the_file_is_refused()
    {
        var error = Rejects(GgufBytes.Header(metadataCount: 1)
            .Key("tokenizer.ggml.scores", GgufValueType.Array).U32((uint)GgufValueType.Float32).U64(Huge).Zeros(40));

        Assert.Contains($"claims {Huge} Float32 elements", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_nested_array_longer_than_the_file_is_refused()
    {
        var error = Rejects(GgufBytes.Header(metadataCount: 1)
            .Key("test.nested", GgufValueType.Array).U32((uint)GgufValueType.Array).U64(1)
            .U32((uint)GgufValueType.String).U64(Huge).Zeros(40));

        Assert.Contains($"claims {Huge} String elements", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Arrays_nested_too_deeply_are_refused_without_exhausting_the_stack()
    {
        var bytes = GgufBytes.Header(metadataCount: 1).Key("test.deep", GgufValueType.Array);
        for (var i = 0; i < 100_000; i++)
        {
            bytes.U32((uint)GgufValueType.Array).U64(1);
        }

        var error = Rejects(bytes.U32((uint)GgufValueType.UInt8).U64(0));

        Assert.Contains("nests arrays more than", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tensor_count_larger_than_the_file_can_hold_is_refused()
    {
        var error = Rejects(GgufBytes.Header(tensorCount: Huge).Zeros(100));

        Assert.Contains($"claims {Huge} tensors", error.Message, StringComparison.Ordinal);
        Assert.Equal(8, error.Offset);
    }

    [Fact]
    public void A_metadata_count_larger_than_the_file_can_hold_is_refused()
    {
        var error = Rejects(GgufBytes.Header(metadataCount: Huge).Zeros(100));

        Assert.Contains($"claims {Huge} metadata entries", error.Message, StringComparison.Ordinal);
        Assert.Equal(16, error.Offset);
    }

    [Fact]
    public void A_tensor_with_more_than_four_dimensions_is_refused()
    {
        var error = Rejects(GgufBytes.Header(tensorCount: 1)
            .TensorRaw("blk.3.attn_q.weight", 7, [1, 1, 1, 1, 1, 1, 1], (uint)GgmlType.F32, 0).PadTo(32).Zeros(32));

        Assert.StartsWith("tensor 'blk.3.attn_q.weight' has 7 dimensions; at most 4 are allowed", error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.Offset);
    }

    [Fact]
    public void A_tensor_with_no_dimensions_is_refused()
    {
        var error = Rejects(GgufBytes.Header(tensorCount: 1).TensorRaw("scalar", 0, [], (uint)GgmlType.F32, 0).Zeros(64));

        Assert.Contains("has 0 dimensions", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_metadata_value_type_is_refused()
    {
        var error = Rejects(GgufBytes.Header(metadataCount: 1).Str("general.mystery").U32(13).U64(0));

        Assert.Contains("metadata key 'general.mystery' has unknown value type 13", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_array_element_type_is_refused()
    {
        var error = Rejects(GgufBytes.Header(metadataCount: 1).Key("test.array", GgufValueType.Array).U32(77).U64(0));

        Assert.Contains("unknown element type 77", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_tensor_type_is_refused()
    {
        var error = Rejects(GgufBytes.Header(tensorCount: 1).TensorRaw("w", 1, [32], 99, 0).PadTo(32).Zeros(256));

        Assert.Contains("tensor 'w' has ggml type 99", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tensor_type_removed_from_gguf_is_refused_by_name()
    {
        var error = Rejects(GgufBytes.Header(tensorCount: 1).TensorRaw("w", 1, [32], 31, 0).PadTo(32).Zeros(256));

        Assert.Contains("Q4_0_4_4, removed from GGUF", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dimensions_whose_element_count_overflows_are_refused()
    {
        var error = Rejects(GgufBytes.Header(tensorCount: 1)
            .Tensor("w", GgmlType.F32, 0, 1UL << 32, 1UL << 32, 1UL << 32).PadTo(32).Zeros(32));

        Assert.Contains("more than 9223372036854775807 elements", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dimensions_whose_byte_size_overflows_are_refused()
    {
        var error = Rejects(GgufBytes.Header(tensorCount: 1).Tensor("w", GgmlType.F32, 0, 1UL << 61, 2).PadTo(32).Zeros(32));

        Assert.Contains("need more than", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dimension_beyond_the_signed_64_bit_range_is_refused()
    {
        var error = Rejects(GgufBytes.Header(tensorCount: 1).Tensor("w", GgmlType.I8, 0, ulong.MaxValue).PadTo(32).Zeros(32));

        Assert.Contains("dimension 0 is 18446744073709551615", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_row_that_is_not_a_whole_number_of_blocks_is_refused()
    {
        var error = Rejects(GgufBytes.Header(tensorCount: 1).Tensor("w", GgmlType.Q4_K, 0, 100, 2).PadTo(32).Zeros(512));

        Assert.Contains("not a multiple of 256", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tensor_data_past_the_end_of_the_file_is_refused()
    {
        var error = Rejects(GgufBytes.Header(tensorCount: 1).Tensor("w", GgmlType.F32, 0, 64).PadTo(32).Zeros(100));

        Assert.Contains("tensor 'w' data", error.Message, StringComparison.Ordinal);
        Assert.Contains("extends past the end of the file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tensor_offset_far_past_the_end_of_the_file_is_refused()
    {
        var error = Rejects(GgufBytes.Header(tensorCount: 1).Tensor("w", GgmlType.F32, ulong.MaxValue - 31, 8).PadTo(32).Zeros(32));

        Assert.Contains("extends past the end of the file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_misaligned_tensor_offset_is_refused()
    {
        var error = Rejects(GgufBytes.Header(tensorCount: 1).Tensor("w", GgmlType.F32, 4, 8).PadTo(32).Zeros(64));

        Assert.Contains("tensor 'w' data offset 4 is not a multiple of the alignment 32", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Overlapping_tensors_are_refused()
    {
        var error = Rejects(GgufBytes.Header(tensorCount: 2)
            .Tensor("a", GgmlType.F32, 0, 16)
            .Tensor("b", GgmlType.F32, 32, 16)
            .PadTo(32).Zeros(128));

        Assert.Contains("tensor 'b' data", error.Message, StringComparison.Ordinal);
        Assert.Contains("overlaps tensor 'a'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(3u)]
    [InlineData(48u)]
    public void An_alignment_that_is_not_a_power_of_two_is_refused(uint alignment)
    {
        var error = Rejects(GgufBytes.Header(metadataCount: 1).KeyU32("general.alignment", alignment));

        Assert.Contains($"general.alignment is {alignment}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_alignment_that_is_not_an_integer_is_refused()
    {
        var error = Rejects(GgufBytes.Header(metadataCount: 1).KeyString("general.alignment", "32"));

        Assert.Contains("general.alignment must be an unsigned integer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_duplicate_metadata_key_is_refused()
    {
        var error = Rejects(GgufBytes.Header(metadataCount: 2)
            .KeyU32("llama.block_count", 2)
            .KeyU32("llama.block_count", 3));

        Assert.Contains("duplicate metadata key 'llama.block_count'", error.Message, StringComparison.Ordinal);
        Assert.Equal(24 + 8 + 17 + 4 + 4, error.Offset);
    }

    [Fact]
    public void A_duplicate_tensor_name_is_refused()
    {
        var error = Rejects(GgufBytes.Header(tensorCount: 2)
            .Tensor("w", GgmlType.F32, 0, 8)
            .Tensor("w", GgmlType.F32, 32, 8)
            .PadTo(32).Zeros(64));

        Assert.Contains("duplicate tensor name 'w'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tensor_name_longer_than_64_bytes_is_refused()
    {
        var error = Rejects(GgufBytes.Header(tensorCount: 1).Tensor(new string('x', 65), GgmlType.F32, 0, 8).PadTo(32).Zeros(32));

        Assert.Contains("tensor name of 65 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_boolean_other_than_0_or_1_is_refused()
    {
        var error = Rejects(GgufBytes.Header(metadataCount: 1).Key("tokenizer.ggml.add_bos_token", GgufValueType.Bool).U8(2));

        Assert.Contains("has value 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_that_is_not_valid_utf8_is_refused()
    {
        var error = Rejects(GgufBytes.Header(metadataCount: 1).U64(2).Raw([0xC3, 0x28]).U32((uint)GgufValueType.UInt8).U8(1));

        Assert.Contains("not valid UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("string length")]
    [InlineData("array length")]
    [InlineData("nested array length")]
    [InlineData("tensor count")]
    [InlineData("metadata count")]
    public void A_hostile_count_is_refused_quickly_without_a_large_allocation(string field)
    {
        var bytes = field switch
        {
            "string length" => GgufBytes.Header(metadataCount: 1).Key("k", GgufValueType.String).U64(Huge),
            "array length" => GgufBytes.Header(metadataCount: 1).Key("k", GgufValueType.Array).U32((uint)GgufValueType.UInt64).U64(Huge),
            "nested array length" => GgufBytes.Header(metadataCount: 1).Key("k", GgufValueType.Array)
                .U32((uint)GgufValueType.Array).U64(1).U32((uint)GgufValueType.Array).U64(Huge),
            "tensor count" => GgufBytes.Header(tensorCount: Huge),
            _ => GgufBytes.Header(metadataCount: Huge),
        };
        var data = bytes.PadTo(100).ToArray();
        Assert.Equal(100, data.Length);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        Assert.Throws<GgufFormatException>(() => GgufTestFiles.Read(data));
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 256 * 1024, $"allocated {allocated} bytes");
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"took {elapsed}");
    }

    private static GgufFormatException Rejects(GgufBytes bytes) =>
        Assert.Throws<GgufFormatException>(() => GgufTestFiles.Read(bytes));
}
