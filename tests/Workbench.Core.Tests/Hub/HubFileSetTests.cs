using Workbench.Core.Hub;

namespace Workbench.Core.Tests.Hub;

public sealed class HubFileSetTests
{
    private static HubTreeEntry File(string path, long size = 100) => new() { Type = "file", Path = path, Size = size };

    [Fact]
    public void Each_gguf_file_is_a_row_and_split_parts_are_one_row()
    {
        var sets = HubFileSet.Group(
            [File("m-Q4_K_M.gguf"), File("big/m-Q8_0-00002-of-00002.gguf"), File("big/m-Q8_0-00001-of-00002.gguf"), File("mmproj-f16.gguf"), File("README.md")],
            "m");

        Assert.Collection(
            sets,
            s => Assert.Equal(("big/m-Q8_0", HubFileSetKind.GgufSplit, 2), (s.Name, s.Kind, s.Files.Count)),
            s => Assert.Equal(("m-Q4_K_M.gguf", HubFileSetKind.Gguf), (s.Name, s.Kind)),
            s => Assert.Equal(HubFileSetKind.Projector, s.Kind));
        Assert.Equal("big/m-Q8_0-00001-of-00002.gguf", sets[0].Files[0].Path);
    }

    [Fact]
    public void A_split_set_with_a_missing_part_says_which()
    {
        var set = Assert.Single(HubFileSet.Group([File("m-00001-of-00003.gguf"), File("m-00003-of-00003.gguf")], "m"));

        Assert.Contains("part 2", set.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Config_and_safetensors_at_the_root_make_one_folder_row()
    {
        var set = Assert.Single(HubFileSet.Group([File("config.json"), File("model.safetensors", 1000), File("tokenizer.json"), File("original/consolidated.pth")], "m"));

        Assert.Equal(HubFileSetKind.SafetensorsFolder, set.Kind);
        Assert.Equal(["config.json", "model.safetensors", "tokenizer.json"], set.Files.Select(f => f.Path));
        Assert.Equal(1200, set.TotalBytes);
    }
}
