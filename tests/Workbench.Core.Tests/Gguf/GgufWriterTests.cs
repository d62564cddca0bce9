using Workbench.Core.Gguf;
using Workbench.Core.Tests.TestSupport;

namespace Workbench.Core.Tests.Gguf;

public sealed class GgufWriterTests
{
    [Fact]
    public void A_duplicate_metadata_key_is_refused()
    {
        var writer = new GgufWriter().AddMetadata("a", GgufValue.FromUInt8(1));

        Assert.Throws<ArgumentException>(() => writer.AddMetadata("a", GgufValue.FromUInt8(2)));
    }

    [Fact]
    public void The_alignment_key_is_set_only_through_the_constructor()
    {
        Assert.Throws<ArgumentException>(() => new GgufWriter().AddMetadata(GgufKeys.Alignment, GgufValue.FromUInt32(64)));
    }

    [Fact]
    public void Tensor_data_of_the_wrong_size_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new GgufWriter().AddTensor("w", GgmlType.F32, [4], new byte[15]));
    }

    [Fact]
    public void A_callback_that_writes_too_little_fails_the_write()
    {
        var writer = new GgufWriter().AddTensor("w", GgmlType.F32, [4], s => s.Write(new byte[8]));

        Assert.Throws<InvalidOperationException>(() => GgufTestFiles.ToBytes(writer));
    }

    [Fact]
    public void A_callback_that_writes_too_much_fails_the_write()
    {
        var writer = new GgufWriter().AddTensor("w", GgmlType.F32, [4], s => s.Write(new byte[20]));

        Assert.Throws<InvalidOperationException>(() => GgufTestFiles.ToBytes(writer));
    }

    [Fact]
    public void A_failed_write_to_a_path_leaves_the_previous_file_and_no_temporary_file()
    {
        using var temp = new TempDirectory();
        var path = temp.File("model.gguf");
        File.WriteAllText(path, "previous contents");
        var writer = new GgufWriter().AddTensor("w", GgmlType.F32, [4], _ => throw new IOException("disk full"));

        Assert.Throws<IOException>(() => writer.WriteTo(path));

        Assert.Equal("previous contents", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void A_write_to_a_path_replaces_the_previous_file()
    {
        using var temp = new TempDirectory();
        var path = temp.File("model.gguf");
        File.WriteAllText(path, "previous contents");

        GgufTestFiles.SmallModel().WriteTo(path);

        Assert.Equal(GgufTestFiles.ToBytes(GgufTestFiles.SmallModel()), File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(temp.Path));
    }
}
