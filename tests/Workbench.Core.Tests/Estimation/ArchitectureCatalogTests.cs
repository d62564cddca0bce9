using Workbench.Core.Estimation;
using Workbench.Core.Formats;

namespace Workbench.Core.Tests.Estimation;

public sealed class ArchitectureCatalogTests
{
    [Theory]
    // Parameter counts the model cards state (biases and norms aside).
    [InlineData("llama-3.1-8b", 8.03)]
    [InlineData("llama-3.3-70b", 70.6)]
    [InlineData("codellama-34b", 33.7)]
    [InlineData("qwen2.5-7b", 7.6)]
    [InlineData("qwen2.5-32b", 32.8)]
    [InlineData("mixtral-8x7b", 46.7)]
    [InlineData("qwen3-30b-a3b", 30.5)]
    [InlineData("gemma-2-9b", 9.24)]
    [InlineData("phi-4", 14.7)]
    public void Each_known_model_has_the_parameter_count_its_card_states(string id, double billions)
    {
        var model = ArchitectureCatalog.Find(id)!.Shape().ToModel();

        Assert.InRange(model.ParameterCount / 1e9, billions * 0.98, billions * 1.02);
    }

    [Fact]
    public void Every_entry_builds_every_quantization()
    {
        Assert.All(ArchitectureCatalog.All, known => Assert.True(QuantizationCatalog.Describe(known.Shape().ToModel()).Count > 20, known.Id));
        Assert.Equal(ArchitectureCatalog.All.Count, ArchitectureCatalog.All.Select(a => a.Id).Distinct().Count());
    }

    [Fact]
    public void A_pasted_config_json_gives_the_same_shape_as_the_model_it_describes()
    {
        const string LlamaConfig = """
            { "architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 4096, "intermediate_size": 14336,
              "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 8, "vocab_size": 128256,
              "max_position_embeddings": 8192, "tie_word_embeddings": false, "torch_dtype": "bfloat16" }
            """;

        var pasted = ConfigShape.FromConfigJson(LlamaConfig).ToModel();
        var known = KnownShapes.Llama3_8B.ToModel();

        Assert.Equal(known.ParameterCount, pasted.ParameterCount);
        Assert.Equal(known.TotalWeightBytes, pasted.TotalWeightBytes);
        Assert.Equal("LlamaForCausalLM", pasted.Name);
    }

    [Fact]
    public void Gemma_3_keeps_five_of_six_layers_to_its_window()
    {
        var gemma = ArchitectureCatalog.Find("gemma-3-12b")!.Shape().ToModel();

        Assert.Equal(1024, gemma.SlidingWindow);
        Assert.Equal(40, gemma.SlidingWindowLayers!.Count(w => w));
        Assert.True(gemma.OutputTiedToEmbeddings);
    }

    [Fact]
    public void A_config_without_the_shape_or_not_json_is_refused_in_words()
    {
        Assert.Throws<EstimationModelException>(() => ConfigShape.FromConfigJson("""{ "model_type": "llama" }"""));
        Assert.Throws<ModelFormatException>(() => ConfigShape.FromConfigJson("not json"));
    }
}
