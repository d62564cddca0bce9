using Workbench.Core.Formats;

namespace Workbench.Core.Tests.Formats;

public sealed class SafetensorsIndexTests
{
    [Fact]
    public void The_shards_are_the_distinct_files_of_the_weight_map_in_order()
    {
        var index = SafetensorsIndex.Parse("""
            {
              "metadata": {"total_size": 1234},
              "weight_map": {
                "lm_head.weight": "model-00002-of-00002.safetensors",
                "model.embed_tokens.weight": "model-00001-of-00002.safetensors",
                "model.norm.weight": "model-00002-of-00002.safetensors"
              }
            }
            """);

        Assert.Equal(["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"], index.ShardFileNames);
        Assert.Equal(3, index.WeightMap.Count);
        Assert.Equal(1234, index.TotalSize);
    }

    [Theory]
    [InlineData("../outside.safetensors")]
    [InlineData("/etc/passwd")]
    [InlineData("sub\\\\dir.safetensors")]
    [InlineData("..")]
    public void A_shard_outside_the_model_folder_is_refused(string shard)
    {
        var e = Assert.Throws<ModelFormatException>(() => SafetensorsIndex.Parse($$$"""{"weight_map": {"w": "{{{shard}}}"}}"""));

        Assert.Contains("not a file name in the model folder", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_index_without_a_weight_map_is_refused()
    {
        Assert.Throws<ModelFormatException>(() => SafetensorsIndex.Parse("""{"metadata": {}}"""));
    }
}
