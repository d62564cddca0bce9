using Workbench.Core.Library;
using Workbench.Core.Tests.TestSupport;

namespace Workbench.Core.Tests.Library;

public sealed class GgufScanTests
{
    [Fact]
    public void A_gguf_file_is_described_from_its_header()
    {
        using var temp = new TempDirectory();
        var path = GgufFixtures.WriteModel(temp.File("tiny-Q4_K_M.gguf"));

        var model = Assert.Single(Scan(temp.Path));

        Assert.Null(model.Error);
        Assert.Equal("tiny-Q4_K_M", model.Name);
        Assert.Equal(ModelFormat.Gguf, model.Format);
        Assert.Equal("Q4_K_M", model.QuantLabel);
        Assert.Equal(path, model.PrimaryPath);
        Assert.Equal([path], model.Files);
        Assert.Equal(new FileInfo(path).Length, model.FileBytes);
        Assert.Equal(64 * 4 + 64, model.ParameterCount);
        Assert.Equal((4 * 2 * 34 + 64 * 4) * 8.0 / (64 * 4 + 64), model.BitsPerWeight);
        Assert.Equal("{{ messages }}", model.ChatTemplate);
        Assert.Equal(ModelSource.ModelRoot, model.Source);
    }

    [Fact]
    public void A_gguf_descriptor_carries_the_architecture_facts()
    {
        using var temp = new TempDirectory();
        GgufFixtures.WriteModel(temp.File("m.gguf"));

        var architecture = Assert.Single(Scan(temp.Path)).Architecture;

        Assert.Equal("llama", architecture.Name);
        Assert.Equal(1, architecture.LayerCount);
        Assert.Equal(64, architecture.HiddenSize);
        Assert.Equal(4, architecture.HeadCount);
        Assert.Equal(2, architecture.KeyValueHeadCount);
        Assert.Equal(16, architecture.HeadDim);
        Assert.Equal(128, architecture.IntermediateSize);
        Assert.Equal(4096, architecture.MaxContextLength);
        Assert.Equal(1024, architecture.SlidingWindow);
    }

    [Fact]
    public void A_gguf_descriptor_lists_every_tensor_with_its_exact_size()
    {
        using var temp = new TempDirectory();
        GgufFixtures.WriteModel(temp.File("m.gguf"));

        var tensors = Assert.Single(Scan(temp.Path)).Tensors;

        Assert.Equal(
            [new TensorSummary("blk.0.attn_q.weight", "Q8_0", 256, 272), new TensorSummary("output_norm.weight", "F32", 64, 256)],
            tensors);
    }

    [Fact]
    public void The_parts_of_a_split_model_make_one_descriptor_with_summed_bytes()
    {
        using var temp = new TempDirectory();
        var parts = GgufFixtures.WriteSplit(temp.Path, "big", count: 3);

        var model = Assert.Single(Scan(temp.Path));

        Assert.Null(model.Error);
        Assert.Equal("big", model.Name);
        Assert.Equal(parts[0], model.PrimaryPath);
        Assert.Equal(parts, model.Files);
        Assert.Equal(parts.Sum(p => new FileInfo(p).Length), model.FileBytes);
        Assert.Equal(6, model.Tensors.Count);
        Assert.Equal(6 * 16, model.ParameterCount);
        Assert.Equal("llama", model.Architecture.Name);
        Assert.Equal("Q4_K_M", model.QuantLabel);
    }

    [Fact]
    public void A_split_model_with_a_missing_part_is_listed_with_an_error()
    {
        using var temp = new TempDirectory();
        var parts = GgufFixtures.WriteSplit(temp.Path, "big", count: 3);
        File.Delete(parts[1]);

        var model = Assert.Single(Scan(temp.Path));

        Assert.Contains("missing part 2", model.Error, StringComparison.Ordinal);
        Assert.Equal("big", model.Name);
    }

    [Fact]
    public void A_split_model_missing_its_first_part_keeps_the_first_part_as_its_path_and_id()
    {
        using var temp = new TempDirectory();
        var parts = GgufFixtures.WriteSplit(temp.Path, "big", count: 2);
        File.Delete(parts[0]);

        var model = Assert.Single(Scan(temp.Path));

        Assert.Contains("missing part 1", model.Error, StringComparison.Ordinal);
        Assert.Equal(parts[0], model.PrimaryPath);
        Assert.Equal(ModelDescriptor.CreateId(parts[0]), model.Id);
    }

    [Fact]
    public void A_part_whose_split_count_disagrees_with_its_name_is_an_error()
    {
        using var temp = new TempDirectory();
        GgufFixtures.WriteSplit(temp.Path, "big", count: 2, statedCount: i => i == 1 ? 4 : 2);

        var model = Assert.Single(Scan(temp.Path));

        Assert.Contains("split.count is 4", model.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_split_part_renamed_out_of_the_pattern_is_an_error()
    {
        using var temp = new TempDirectory();
        var parts = GgufFixtures.WriteSplit(temp.Path, "big", count: 2);
        File.Move(parts[0], temp.File("renamed.gguf"));
        File.Delete(parts[1]);

        var model = Assert.Single(Scan(temp.Path));

        Assert.Contains("other parts cannot be found", model.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_gguf_is_listed_with_an_error_instead_of_throwing()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("broken.gguf"), "this is not a gguf file at all");

        var model = Assert.Single(Scan(temp.Path));

        Assert.Equal("broken", model.Name);
        Assert.Equal(ModelFormat.Gguf, model.Format);
        Assert.StartsWith("broken.gguf: ", model.Error, StringComparison.Ordinal);
        Assert.Equal(new FileInfo(temp.File("broken.gguf")).Length, model.FileBytes);
        Assert.Empty(model.Tensors);
    }

    [Fact]
    public void A_truncated_gguf_is_listed_with_an_error()
    {
        using var temp = new TempDirectory();
        var path = GgufFixtures.WriteModel(temp.File("m.gguf"));
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);

        Assert.NotNull(Assert.Single(Scan(temp.Path)).Error);
    }

    [Fact]
    public void A_vision_projector_is_not_listed_as_a_model()
    {
        using var temp = new TempDirectory();
        GgufFixtures.WriteModel(temp.File("model.gguf"));
        GgufFixtures.WriteModel(temp.File("mmproj-model-f16.gguf"));

        Assert.Equal(["model"], Scan(temp.Path).Select(m => m.Name));
    }

    private static List<ModelDescriptor> Scan(string root) =>
        new ModelFileScanner().Scan(new ModelStoreRoot(root, ModelSource.ModelRoot)).ToList();
}
