using Workbench.Core.Formats;
using Workbench.Core.Tests.TestSupport;

namespace Workbench.Core.Tests.Formats;

public sealed class MalformedSafetensorsTests
{
    [Fact]
    public void A_file_shorter_than_the_length_prefix_is_refused()
    {
        AssertRefused([1, 2, 3], "8-byte header length");
    }

    [Fact]
    public void A_header_length_over_the_limit_is_refused_before_allocating()
    {
        AssertRefused(SafetensorsTestWriter.Raw("{}", declaredHeaderLength: 1UL << 40), "at most");
    }

    [Fact]
    public void A_header_length_past_the_end_of_the_file_is_refused()
    {
        AssertRefused(SafetensorsTestWriter.Raw("{}", declaredHeaderLength: 1000), "truncated");
    }

    [Fact]
    public void A_zero_header_length_is_refused()
    {
        AssertRefused(SafetensorsTestWriter.Raw("", dataBytes: 4), "header length is 0");
    }

    [Fact]
    public void A_stream_that_ends_inside_the_header_is_refused()
    {
        var bytes = SafetensorsTestWriter.Raw("{}", declaredHeaderLength: 5000);
        using var stream = new LyingLengthStream(bytes, claimedLength: 10_000);

        var e = Assert.Throws<ModelFormatException>(() => SafetensorsHeaderReader.Read(stream));

        Assert.Contains("ended inside the header", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_that_is_not_json_is_refused()
    {
        AssertRefused(SafetensorsTestWriter.Raw("{not json"), "not valid JSON");
    }

    [Fact]
    public void A_header_that_does_not_start_with_a_brace_is_refused()
    {
        AssertRefused(SafetensorsTestWriter.Raw("[1, 2]"), "must start with '{'");
    }

    [Fact]
    public void A_header_that_is_not_utf8_is_refused()
    {
        var bytes = SafetensorsTestWriter.Raw("{\"w\": 1}");
        bytes[10] = 0xFF;

        AssertRefused(bytes, "not valid JSON");
    }

    [Fact]
    public void An_unknown_dtype_is_refused()
    {
        AssertRefused(Tensor("\"Q4\"", "[4]", "[0,2]", data: 2), "unknown dtype 'Q4'");
    }

    [Fact]
    public void A_missing_dtype_is_refused()
    {
        AssertRefused(SafetensorsTestWriter.Raw("""{"w":{"shape":[1],"data_offsets":[0,1]}}""", 1), "no \"dtype\"");
    }

    [Fact]
    public void A_negative_dimension_is_refused()
    {
        AssertRefused(Tensor("\"F16\"", "[-2]", "[0,4]", data: 4), "non-negative integers");
    }

    [Fact]
    public void A_fractional_dimension_is_refused()
    {
        AssertRefused(Tensor("\"F16\"", "[2.5]", "[0,4]", data: 4), "non-negative integers");
    }

    [Fact]
    public void Too_many_dimensions_are_refused()
    {
        AssertRefused(Tensor("\"U8\"", "[" + string.Join(",", Enumerable.Repeat(1, 17)) + "]", "[0,1]", data: 1), "17 dimensions");
    }

    [Fact]
    public void A_shape_whose_element_count_overflows_is_refused()
    {
        AssertRefused(Tensor("\"F16\"", "[4294967296,4294967296]", "[0,2]", data: 2), "too many elements");
    }

    [Fact]
    public void Offsets_that_disagree_with_dtype_and_shape_are_refused()
    {
        AssertRefused(Tensor("\"F32\"", "[4]", "[0,12]", data: 12), "= 16 bytes, but its data_offsets span 12");
    }

    [Fact]
    public void Offsets_past_the_end_of_the_file_are_refused()
    {
        AssertRefused(Tensor("\"F32\"", "[4]", "[0,16]", data: 8), "holds only 8 bytes");
    }

    [Fact]
    public void Offsets_whose_end_is_before_their_beginning_are_refused()
    {
        AssertRefused(Tensor("\"U8\"", "[0]", "[4,2]", data: 4), "end is before the beginning");
    }

    [Fact]
    public void Offsets_that_are_not_a_pair_are_refused()
    {
        AssertRefused(Tensor("\"U8\"", "[2]", "[0]", data: 2), "data_offsets");
    }

    [Fact]
    public void Overlapping_tensors_are_refused()
    {
        AssertRefused(
            SafetensorsTestWriter.Raw("""{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[4],"data_offsets":[2,6]}}""", 6),
            "overlaps");
    }

    [Fact]
    public void A_gap_between_tensors_is_refused()
    {
        AssertRefused(
            SafetensorsTestWriter.Raw("""{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[2],"data_offsets":[4,6]}}""", 6),
            "belong to no tensor");
    }

    [Fact]
    public void Data_beyond_the_last_tensor_is_refused()
    {
        AssertRefused(Tensor("\"U8\"", "[2]", "[0,2]", data: 10), "the tensors cover 2");
    }

    [Fact]
    public void A_tensor_named_twice_is_refused()
    {
        AssertRefused(
            SafetensorsTestWriter.Raw("""{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}""", 2),
            "appears twice");
    }

    [Fact]
    public void Metadata_with_a_value_that_is_not_a_string_is_refused()
    {
        AssertRefused(SafetensorsTestWriter.Raw("""{"__metadata__":{"format":1}}"""), "must be a string");
    }

    [Fact]
    public void A_tensor_entry_that_is_not_an_object_is_refused()
    {
        AssertRefused(SafetensorsTestWriter.Raw("""{"w":[1,2]}"""), "must be an object");
    }

    [Fact]
    public void The_error_names_the_file()
    {
        AssertRefused(SafetensorsTestWriter.Raw("{not json"), "test.safetensors:");
    }

    private static byte[] Tensor(string dtype, string shape, string offsets, int data) =>
        SafetensorsTestWriter.Raw($$$"""{"w":{"dtype":{{{dtype}}},"shape":{{{shape}}},"data_offsets":{{{offsets}}}}}""", data);

    private static void AssertRefused(byte[] bytes, string expectedMessagePart)
    {
        var e = Assert.Throws<ModelFormatException>(() => SafetensorsHeaderReaderTests.Read(bytes));
        Assert.Contains(expectedMessagePart, e.Message, StringComparison.Ordinal);
    }
}
