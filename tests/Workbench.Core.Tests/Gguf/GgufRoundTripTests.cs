using Workbench.Core.Gguf;
using Workbench.Core.Tests.TestSupport;

namespace Workbench.Core.Tests.Gguf;

public sealed class GgufRoundTripTests
{
    public static TheoryData<string, GgufValue> Scalars => new()
    {
        { "uint8", GgufValue.FromUInt8(200) },
        { "int8", GgufValue.FromInt8(-100) },
        { "uint16", GgufValue.FromUInt16(65_000) },
        { "int16", GgufValue.FromInt16(-32_000) },
        { "uint32", GgufValue.FromUInt32(4_000_000_000) },
        { "int32", GgufValue.FromInt32(-2_000_000_000) },
        { "float32", GgufValue.FromFloat32(3.25f) },
        { "float32 NaN", GgufValue.FromFloat32(float.NaN) },
        { "bool true", GgufValue.FromBool(true) },
        { "bool false", GgufValue.FromBool(false) },
        { "string", GgufValue.FromString("héllo wörld ✓ \u2581piece") },
        { "empty string", GgufValue.FromString(string.Empty) },
        { "uint64", GgufValue.FromUInt64(ulong.MaxValue) },
        { "int64", GgufValue.FromInt64(long.MinValue) },
        { "float64", GgufValue.FromFloat64(-1.0e300) },
    };

    public static TheoryData<string, GgufValue> Arrays => new()
    {
        { "uint8", GgufValue.FromArray(new byte[] { 0, 1, 255 }) },
        { "int8", GgufValue.FromArray(new sbyte[] { -128, 0, 127 }) },
        { "uint16", GgufValue.FromArray(new ushort[] { 0, 65_535 }) },
        { "int16", GgufValue.FromArray(new short[] { -32_768, 32_767 }) },
        { "uint32", GgufValue.FromArray(new uint[] { 0, uint.MaxValue }) },
        { "int32", GgufValue.FromArray(new[] { int.MinValue, 0, int.MaxValue }) },
        { "float32", GgufValue.FromArray(new[] { -1.5f, 0f, float.PositiveInfinity }) },
        { "bool", GgufValue.FromArray(new[] { true, false, true }) },
        { "string", GgufValue.FromArray(new[] { "<unk>", "<0x0A>", "\u2581the", string.Empty }) },
        { "uint64", GgufValue.FromArray(new[] { 0UL, ulong.MaxValue }) },
        { "int64", GgufValue.FromArray(new[] { long.MinValue, long.MaxValue }) },
        { "float64", GgufValue.FromArray(new[] { double.Epsilon, -2.5 }) },
        { "empty", GgufValue.FromArray(Array.Empty<int>()) },
    };

    [Theory]
    [MemberData(nameof(Scalars))]
    public void A_scalar_value_survives_writing_and_reading(string description, GgufValue value)
    {
        var file = GgufTestFiles.RoundTrip(new GgufWriter().AddMetadata("test.value", value));

        Assert.Equal(value, file.Metadata["test.value"]);
        Assert.Equal(value.Type, file.Metadata["test.value"].Type);
        Assert.NotNull(description);
    }

    [Theory]
    [MemberData(nameof(Arrays))]
    public void An_array_survives_writing_and_reading(string description, GgufValue value)
    {
        var file = GgufTestFiles.RoundTrip(new GgufWriter().AddMetadata("test.array", value));

        var read = file.Metadata["test.array"];
        Assert.Equal(GgufValueType.Array, read.Type);
        Assert.Equal(value.ElementType, read.ElementType);
        Assert.Equal(value, read);
        Assert.NotNull(description);
    }

    [Fact]
    public void Nested_arrays_survive_writing_and_reading()
    {
        var nested = GgufValue.FromArray(
        [
            GgufValue.FromArray(new[] { 1, 2, 3 }),
            GgufValue.FromArray(new[] { "a", "b" }),
            GgufValue.FromArray(
            [
                GgufValue.FromArray(new[] { 1.5f }),
                GgufValue.FromArray(Array.Empty<bool>()),
            ]),
        ]);

        var read = GgufTestFiles.RoundTrip(new GgufWriter().AddMetadata("test.nested", nested)).Metadata["test.nested"];

        Assert.Equal(nested, read);
        var inner = read.GetArray<GgufValue>();
        Assert.Equal([1, 2, 3], inner[0].GetArray<int>());
        Assert.Equal(["a", "b"], inner[1].GetArray<string>());
        Assert.Equal(GgufValueType.Array, inner[2].ElementType);
        Assert.Equal([1.5f], inner[2].GetArray<GgufValue>()[0].GetArray<float>());
    }

    [Fact]
    public void Metadata_is_enumerated_in_file_order()
    {
        var keys = new[] { "z.last.alphabetically", "a.first", "m.middle", "general.architecture" };
        var writer = new GgufWriter();
        foreach (var key in keys)
        {
            writer.AddMetadata(key, GgufValue.FromString(key));
        }

        var file = GgufTestFiles.RoundTrip(writer);

        Assert.Equal(keys, file.Metadata.Keys);
    }

    [Fact]
    public void Tensor_infos_survive_writing_and_reading()
    {
        var file = GgufTestFiles.RoundTrip(GgufTestFiles.SmallModel());

        Assert.Equal(["token_embd.weight", "blk.0.attn_q.weight", "output_norm.weight"], file.Tensors.Select(t => t.Name));
        var q = file.Tensors[1];
        Assert.Equal(GgmlType.Q8_0, q.Type);
        Assert.Equal([32UL, 2UL], q.Dimensions);
        Assert.Equal(64, q.ElementCount);
        Assert.Equal(68, q.ByteSize);
    }

    [Fact]
    public void Tensor_data_is_placed_at_aligned_offsets_after_the_header()
    {
        var file = GgufTestFiles.RoundTrip(GgufTestFiles.SmallModel());

        Assert.Equal(32u, file.Alignment);
        Assert.Equal(0, file.DataOffset % 32);
        Assert.Equal([0L, 160L, 256L], file.Tensors.Select(t => t.Offset));
        Assert.Equal(160 + 68 + 32, file.TensorDataBytes);
        Assert.Equal(file.DataOffset + 256 + 32, file.FileLength);
    }

    [Fact]
    public void Tensor_data_is_written_where_the_header_says()
    {
        var data = Enumerable.Range(0, 64).Select(i => (byte)(i + 1)).ToArray();
        var writer = new GgufWriter();
        writer.AddTensor("first", GgmlType.I8, [3], new byte[] { 9, 9, 9 });
        writer.AddTensor("second", GgmlType.I8, [64], data);
        var bytes = GgufTestFiles.ToBytes(writer);

        var file = GgufTestFiles.Read(bytes);
        var second = file.FindTensor("second")!;

        Assert.Equal(data, bytes.AsSpan((int)file.GetTensorFileOffset(second), data.Length).ToArray());
    }

    [Fact]
    public void A_custom_alignment_is_recorded_and_used_for_offsets()
    {
        var writer = new GgufWriter(alignment: 64);
        writer.AddTensor("a", GgmlType.F32, [3], new byte[12]);
        writer.AddTensor("b", GgmlType.F32, [3], new byte[12]);

        var file = GgufTestFiles.RoundTrip(writer);

        Assert.Equal(64u, file.Alignment);
        Assert.Equal(GgufValue.FromUInt32(64), file.Metadata[GgufKeys.Alignment]);
        Assert.Equal(0, file.DataOffset % 64);
        Assert.Equal(64, file.Tensors[1].Offset);
    }

    [Fact]
    public void The_writer_produces_version_3()
    {
        var file = GgufTestFiles.RoundTrip(new GgufWriter());

        Assert.Equal(3, file.Version);
    }

    [Fact]
    public void The_writer_predicts_the_file_length()
    {
        var writer = GgufTestFiles.SmallModel();

        Assert.Equal(GgufTestFiles.ToBytes(writer).Length, writer.ComputeFileLength());
    }

    [Fact]
    public void A_hand_assembled_version_2_file_is_read()
    {
        var bytes = GgufBytes.Header(version: 2, tensorCount: 1, metadataCount: 2)
            .KeyString("general.architecture", "llama")
            .Key("llama.context_length", GgufValueType.UInt64).U64(4096)
            .Tensor("output_norm.weight", GgmlType.F32, 0, 4)
            .PadTo(32)
            .Zeros(16);

        var file = GgufTestFiles.Read(bytes);

        Assert.Equal(2, file.Version);
        Assert.Equal("llama", file.Facts.Architecture);
        Assert.Equal(4096, file.Facts.ContextLength);
        Assert.Equal(16, file.Tensors.Single().ByteSize);
    }

    [Fact]
    public void A_file_without_metadata_or_tensors_is_valid()
    {
        var file = GgufTestFiles.Read(GgufBytes.Header());

        Assert.Empty(file.Metadata);
        Assert.Empty(file.Tensors);
        Assert.Equal(0, file.Facts.ParameterCount);
        Assert.Null(file.Facts.BitsPerWeight);
    }

    [Fact]
    public void Reading_starts_at_the_streams_current_position()
    {
        var gguf = GgufTestFiles.ToBytes(GgufTestFiles.SmallModel());
        using var stream = new MemoryStream([.. new byte[100], .. gguf]);
        stream.Position = 100;

        var file = GgufReader.Read(stream);

        Assert.Equal(gguf.Length, file.FileLength);
        Assert.Equal(3, file.Tensors.Count);
    }

    [Fact]
    public void A_file_on_disk_is_read_by_path()
    {
        using var temp = new TempDirectory();
        var path = temp.File("model.gguf");
        GgufTestFiles.SmallModel().WriteTo(path);

        var file = GgufReader.ReadFile(path);

        Assert.Equal(new FileInfo(path).Length, file.FileLength);
        Assert.Equal("llama", file.Facts.Architecture);
    }

    [Fact]
    public void The_reader_does_not_read_tensor_data()
    {
        var writer = GgufTestFiles.SmallModel();
        writer.AddTensor("big", GgmlType.F32, [1024, 1024], s => s.Write(new byte[4 * 1024 * 1024]));
        var bytes = GgufTestFiles.ToBytes(writer);
        using var counting = new CountingStream(new MemoryStream(bytes, writable: false));

        var file = GgufReader.Read(counting);

        Assert.True(counting.BytesRead <= file.DataOffset + (64 * 1024), $"read {counting.BytesRead} bytes of {bytes.Length}");
    }

    [Fact]
    public void A_stream_that_cannot_seek_is_refused()
    {
        using var stream = new NonSeekableStream(GgufTestFiles.ToBytes(GgufTestFiles.SmallModel()));

        Assert.Throws<ArgumentException>(() => GgufReader.Read(stream));
    }
}
