using Workbench.Core.Formats;

namespace Workbench.Core.Tests.Formats;

public sealed class SafetensorsHeaderReaderTests
{
    [Fact]
    public void Tensors_round_trip_with_dtype_shape_offsets_and_exact_sizes()
    {
        var bytes = new SafetensorsTestWriter()
            .Add("embed.weight", "BF16", 10, 4)
            .Add("norm.weight", "F32", 4)
            .Add("layer.qweight", "I32", 2, 8)
            .ToBytes();

        var header = Read(bytes);

        Assert.Equal(["embed.weight", "norm.weight", "layer.qweight"], header.Tensors.Select(t => t.Name));
        var embed = header.FindTensor("embed.weight")!;
        Assert.Equal("BF16", embed.DType.Name);
        Assert.Equal([10L, 4L], embed.Shape);
        Assert.Equal(40, embed.ElementCount);
        Assert.Equal(80, embed.ByteSize);
        Assert.Equal((0L, 80L), (embed.DataStart, embed.DataEnd));
        Assert.Equal((80L, 96L), (header.FindTensor("norm.weight")!.DataStart, header.FindTensor("norm.weight")!.DataEnd));
        Assert.Equal(80 + 16 + 64, header.TensorDataBytes);
        Assert.Equal(bytes.Length, header.DataOffset + header.TensorDataBytes);
    }

    [Fact]
    public void The_metadata_map_is_read_and_kept_apart_from_the_tensors()
    {
        var header = Read(new SafetensorsTestWriter().Metadata("format", "pt").Add("w", "F16", 2).ToBytes());

        Assert.Equal("pt", header.Metadata["format"]);
        Assert.Single(header.Tensors);
    }

    [Fact]
    public void A_scalar_tensor_has_one_element()
    {
        var header = Read(new SafetensorsTestWriter().Add("scale", "F32").ToBytes());

        Assert.Equal(1, header.Tensors[0].ElementCount);
        Assert.Equal(4, header.Tensors[0].ByteSize);
    }

    [Fact]
    public void A_header_padded_with_spaces_is_accepted()
    {
        var header = Read(SafetensorsTestWriter.Raw("""{"w":{"dtype":"U8","shape":[3],"data_offsets":[0,3]}}        """, dataBytes: 3));

        Assert.Equal(3, header.Tensors[0].ByteSize);
    }

    [Fact]
    public void A_file_with_no_tensors_is_valid()
    {
        var header = Read(SafetensorsTestWriter.Raw("{}"));

        Assert.Empty(header.Tensors);
    }

    [Fact]
    public void Sub_byte_float_types_are_sized_in_bits()
    {
        var header = Read(SafetensorsTestWriter.Raw("""{"w":{"dtype":"F4","shape":[2,8],"data_offsets":[0,8]}}""", dataBytes: 8));

        Assert.Equal(16, header.Tensors[0].ElementCount);
        Assert.Equal(8, header.Tensors[0].ByteSize);
    }

    [Fact]
    public void A_file_on_disk_is_read_through_its_path()
    {
        using var temp = new TestSupport.TempDirectory();
        var path = new SafetensorsTestWriter().Add("w", "F16", 4).WriteTo(temp.File("model.safetensors"));

        var header = SafetensorsHeaderReader.ReadFile(path);

        Assert.Equal(new FileInfo(path).Length, header.FileLength);
    }

    internal static SafetensorsHeader Read(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        return SafetensorsHeaderReader.Read(stream, "test.safetensors");
    }
}
