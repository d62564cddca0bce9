using Workbench.Core.Formats;

namespace Workbench.Core.Tests.Formats;

public sealed class HuggingFaceConfigTests
{
    [Fact]
    public void A_llama_config_gives_its_architecture_facts()
    {
        var config = HuggingFaceConfig.Parse("""
            {
              "architectures": ["LlamaForCausalLM"], "model_type": "llama",
              "hidden_size": 4096, "intermediate_size": 14336, "num_hidden_layers": 32,
              "num_attention_heads": 32, "num_key_value_heads": 8, "max_position_embeddings": 131072,
              "vocab_size": 128256, "torch_dtype": "bfloat16", "tie_word_embeddings": false
            }
            """);

        Assert.Equal("llama", config.ModelType);
        Assert.Equal("LlamaForCausalLM", config.ArchitectureName);
        Assert.Equal(32, config.LayerCount);
        Assert.Equal(4096, config.HiddenSize);
        Assert.Equal(32, config.HeadCount);
        Assert.Equal(8, config.KeyValueHeadCount);
        Assert.Equal(128, config.HeadDim);
        Assert.Equal(14336, config.IntermediateSize);
        Assert.Equal(131072, config.MaxPositionEmbeddings);
        Assert.Equal(128256, config.VocabSize);
        Assert.Equal("bfloat16", config.TorchDtype);
        Assert.False(config.TieWordEmbeddings);
        Assert.Null(config.Quantization);
    }

    [Fact]
    public void Kv_heads_default_to_the_head_count()
    {
        var config = HuggingFaceConfig.Parse("""{"hidden_size": 768, "num_attention_heads": 12}""");

        Assert.Equal(12, config.KeyValueHeadCount);
        Assert.Equal(64, config.HeadDim);
    }

    [Fact]
    public void An_explicit_head_dim_wins_over_hidden_size_over_heads()
    {
        var config = HuggingFaceConfig.Parse("""{"hidden_size": 2304, "num_attention_heads": 8, "head_dim": 256}""");

        Assert.Equal(256, config.HeadDim);
    }

    [Fact]
    public void A_multimodal_config_takes_its_facts_from_the_nested_text_config()
    {
        var config = HuggingFaceConfig.Parse("""
            {
              "architectures": ["Mistral3ForConditionalGeneration"], "model_type": "mistral3",
              "text_config": {"model_type": "mistral", "hidden_size": 5120, "num_hidden_layers": 40,
                              "num_attention_heads": 32, "num_key_value_heads": 8, "head_dim": 128, "vocab_size": 131072},
              "vision_config": {"hidden_size": 1024, "num_hidden_layers": 24}
            }
            """);

        Assert.Equal("mistral3", config.ModelType);
        Assert.Equal("mistral", config.TextModelType);
        Assert.Equal(40, config.LayerCount);
        Assert.Equal(5120, config.HiddenSize);
        Assert.Equal(8, config.KeyValueHeadCount);
        Assert.Equal(131072, config.VocabSize);
    }

    [Fact]
    public void Mixture_of_experts_counts_are_read_under_their_various_names()
    {
        var mixtral = HuggingFaceConfig.Parse("""{"num_local_experts": 8, "num_experts_per_tok": 2}""");
        var qwen = HuggingFaceConfig.Parse("""{"num_experts": 128, "num_experts_per_tok": 8}""");

        Assert.Equal((8L, 2L), (mixtral.ExpertCount!.Value, mixtral.ExpertsPerToken!.Value));
        Assert.Equal((128L, 8L), (qwen.ExpertCount!.Value, qwen.ExpertsPerToken!.Value));
    }

    [Fact]
    public void A_sliding_window_that_is_switched_off_is_absent()
    {
        var on = HuggingFaceConfig.Parse("""{"sliding_window": 4096}""");
        var off = HuggingFaceConfig.Parse("""{"sliding_window": 32768, "use_sliding_window": false}""");
        var none = HuggingFaceConfig.Parse("""{"sliding_window": null}""");

        Assert.Equal(4096, on.SlidingWindow);
        Assert.Null(off.SlidingWindow);
        Assert.Null(none.SlidingWindow);
    }

    [Fact]
    public void Rope_scaling_is_read()
    {
        var config = HuggingFaceConfig.Parse("""
            {"rope_scaling": {"rope_type": "llama3", "factor": 8.0, "original_max_position_embeddings": 8192}}
            """);

        Assert.Equal("llama3", config.RopeScaling!.Type);
        Assert.Equal(8.0, config.RopeScaling.Factor);
        Assert.Equal(8192, config.RopeScaling.OriginalMaxPositionEmbeddings);
    }

    [Fact]
    public void Gpt2_style_names_are_accepted()
    {
        var config = HuggingFaceConfig.Parse("""{"n_layer": 12, "n_embd": 768, "n_head": 12, "n_positions": 1024}""");

        Assert.Equal((12L, 768L, 12L, 1024L), (config.LayerCount!.Value, config.HiddenSize!.Value, config.HeadCount!.Value, config.MaxPositionEmbeddings!.Value));
    }

    [Fact]
    public void Values_of_the_wrong_kind_read_as_absent()
    {
        var config = HuggingFaceConfig.Parse("""{"num_hidden_layers": "32", "hidden_size": -1, "vocab_size": 1.5}""");

        Assert.Null(config.LayerCount);
        Assert.Null(config.HiddenSize);
        Assert.Null(config.VocabSize);
    }

    [Fact]
    public void A_config_that_is_not_a_json_object_is_refused()
    {
        Assert.Throws<ModelFormatException>(() => HuggingFaceConfig.Parse("[]"));
        Assert.Throws<ModelFormatException>(() => HuggingFaceConfig.Parse("{"));
    }

    [Fact]
    public void A_config_file_saved_with_a_byte_order_mark_is_read()
    {
        using var temp = new TestSupport.TempDirectory();
        File.WriteAllBytes(temp.File("config.json"), [0xEF, 0xBB, 0xBF, .. "{\"num_hidden_layers\": 2}"u8]);

        Assert.Equal(2, HuggingFaceConfig.ReadFile(temp.File("config.json")).LayerCount);
    }

    [Fact]
    public void A_config_file_that_is_not_utf8_is_refused()
    {
        using var temp = new TestSupport.TempDirectory();
        File.WriteAllBytes(temp.File("config.json"), [.. "{\"model_type\": \""u8, 0xFF, .. "\"}"u8]);

        var e = Assert.Throws<ModelFormatException>(() => HuggingFaceConfig.ReadFile(temp.File("config.json")));

        Assert.Contains("UTF-8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_quantization_config_with_a_method_is_read()
    {
        var config = HuggingFaceConfig.Parse("""
            {"quantization_config": {"quant_method": "gptq", "bits": 4, "group_size": 128, "desc_act": true, "sym": true}}
            """);

        Assert.Equal(QuantizationMethod.Gptq, config.Quantization!.Method);
        Assert.Equal(4, config.Quantization.Bits);
        Assert.Equal(128, config.Quantization.GroupSize);
        Assert.True(config.Quantization.DescAct);
    }

    [Fact]
    public void Mlx_quantization_is_read_from_its_own_key()
    {
        var config = HuggingFaceConfig.Parse("""{"quantization": {"group_size": 64, "bits": 4}}""");

        Assert.Equal(QuantizationMethod.Mlx, config.Quantization!.Method);
        Assert.Equal(64, config.Quantization.GroupSize);
    }
}
