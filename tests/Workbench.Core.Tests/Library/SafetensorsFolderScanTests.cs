using Workbench.Core.Library;
using Workbench.Core.Tests.Formats;
using Workbench.Core.Tests.TestSupport;

namespace Workbench.Core.Tests.Library;

public sealed class SafetensorsFolderScanTests
{
    private const string GptqConfig = """{"quant_method": "gptq", "bits": 4, "group_size": 128, "desc_act": false, "sym": true}""";
    private const string AwqConfig = """{"quant_method": "awq", "bits": 4, "group_size": 128, "zero_point": true, "version": "gemm"}""";
    private const string Exl2Config = """{"quant_method": "exl2", "version": "0.2.3", "bits": 4.65, "head_bits": 6}""";

    [Fact]
    public void An_fp16_folder_is_plain_safetensors_at_16_bits_per_weight()
    {
        using var temp = new TempDirectory();
        TinyModel.WriteFolder(temp.File("Tiny-FP16"), TinyModel.Unquantized("F16"), TinyModel.Config());

        var model = Describe(temp.Path);

        Assert.Null(model.Error);
        Assert.Equal(ModelFormat.Safetensors, model.Format);
        Assert.Equal("FP16", model.QuantLabel);
        Assert.Equal(TinyModel.ParameterCount, model.ParameterCount);
        Assert.Equal(16.0, model.BitsPerWeight);
    }

    [Fact]
    public void A_bf16_folder_is_labelled_bf16()
    {
        using var temp = new TempDirectory();
        TinyModel.WriteFolder(temp.File("Tiny"), TinyModel.Unquantized("BF16"), TinyModel.Config(torchDtype: "bfloat16"));

        Assert.Equal("BF16", Describe(temp.Path).QuantLabel);
    }

    [Fact]
    public void A_gptq_folder_is_classified_with_bits_group_and_unpacked_parameter_count()
    {
        using var temp = new TempDirectory();
        var weights = TinyModel.Gptq();
        TinyModel.WriteFolder(temp.File("Tiny-GPTQ"), weights, TinyModel.Config(GptqConfig));

        var model = Describe(temp.Path);

        Assert.Equal(ModelFormat.Gptq, model.Format);
        Assert.Equal("GPTQ 4-bit g128", model.QuantLabel);
        Assert.Equal(TinyModel.ParameterCount, model.ParameterCount);
        Assert.Equal(weights.TensorBytes * 8.0 / TinyModel.ParameterCount, model.BitsPerWeight);
    }

    [Fact]
    public void A_gptq_folder_described_only_by_quantize_config_json_is_gptq()
    {
        using var temp = new TempDirectory();
        TinyModel.WriteFolder(
            temp.File("Tiny-GPTQ"), TinyModel.Gptq(bits: 8, groupSize: 32), TinyModel.Config(),
            ("quantize_config.json", """{"bits": 8, "group_size": 32, "desc_act": true, "sym": true}"""));

        var model = Describe(temp.Path);

        Assert.Equal(ModelFormat.Gptq, model.Format);
        Assert.Equal("GPTQ 8-bit g32", model.QuantLabel);
        Assert.Equal(TinyModel.ParameterCount, model.ParameterCount);
    }

    [Fact]
    public void An_awq_folder_is_classified_with_bits_group_and_unpacked_parameter_count()
    {
        using var temp = new TempDirectory();
        var weights = TinyModel.Awq();
        TinyModel.WriteFolder(temp.File("Tiny-AWQ"), weights, TinyModel.Config(AwqConfig));

        var model = Describe(temp.Path);

        Assert.Equal(ModelFormat.Awq, model.Format);
        Assert.Equal("AWQ 4-bit g128", model.QuantLabel);
        Assert.Equal(TinyModel.ParameterCount, model.ParameterCount);
        Assert.Equal(weights.TensorBytes * 8.0 / TinyModel.ParameterCount, model.BitsPerWeight);
    }

    [Fact]
    public void An_exl2_folder_takes_its_label_and_bits_from_the_stated_average()
    {
        using var temp = new TempDirectory();
        TinyModel.WriteFolder(temp.File("Tiny-exl2-4.65bpw"), TinyModel.Exl2(), TinyModel.Config(Exl2Config));

        var model = Describe(temp.Path);

        Assert.Equal(ModelFormat.Exl2, model.Format);
        Assert.Equal("EXL2 4.65 bpw", model.QuantLabel);
        Assert.Equal(4.65, model.BitsPerWeight);
        Assert.Equal(TinyModel.ParameterCount, model.ParameterCount);
    }

    [Fact]
    public void An_exl2_folder_known_only_by_its_measurement_file_is_exl2()
    {
        using var temp = new TempDirectory();
        TinyModel.WriteFolder(temp.File("Tiny-exl2"), TinyModel.Exl2(), TinyModel.Config(), ("measurement.json", "{}"));

        var model = Describe(temp.Path);

        Assert.Equal(ModelFormat.Exl2, model.Format);
        Assert.Equal(TinyModel.ParameterCount, model.ParameterCount);
    }

    [Fact]
    public void An_mlx_folder_is_classified_from_its_quantization_key()
    {
        using var temp = new TempDirectory();
        var config = TinyModel.Config().TrimEnd().TrimEnd('}') + ", \"quantization\": {\"group_size\": 64, \"bits\": 4}}";
        TinyModel.WriteFolder(temp.File("Tiny-4bit-mlx"), TinyModel.Mlx(), config);

        var model = Describe(temp.Path);

        Assert.Equal(ModelFormat.Mlx, model.Format);
        Assert.Equal("MLX 4-bit g64", model.QuantLabel);
        Assert.Equal(TinyModel.ParameterCount, model.ParameterCount);
    }

    [Fact]
    public void Packed_tensors_are_listed_with_their_real_dtype_and_bytes()
    {
        using var temp = new TempDirectory();
        TinyModel.WriteFolder(temp.File("Tiny-GPTQ"), TinyModel.Gptq(), TinyModel.Config(GptqConfig));

        var qweight = Describe(temp.Path).Tensors.Single(t => t.Name == "model.layers.0.self_attn.q_proj.qweight");

        Assert.Equal(new TensorSummary("model.layers.0.self_attn.q_proj.qweight", "I32", 8 * 64, 8 * 64 * 4), qweight);
    }

    [Fact]
    public void The_architecture_comes_from_config_json()
    {
        using var temp = new TempDirectory();
        TinyModel.WriteFolder(temp.File("Tiny"), TinyModel.Unquantized(), TinyModel.Config());

        var architecture = Describe(temp.Path).Architecture;

        Assert.Equal("llama", architecture.Name);
        Assert.Equal("LlamaForCausalLM", architecture.ClassName);
        Assert.Equal((2L, 64L, 4L, 2L, 16L), (architecture.LayerCount!.Value, architecture.HiddenSize!.Value, architecture.HeadCount!.Value, architecture.KeyValueHeadCount!.Value, architecture.HeadDim!.Value));
        Assert.Equal(2048, architecture.MaxContextLength);
        Assert.Equal(100, architecture.VocabularySize);
    }

    [Fact]
    public void The_folder_name_names_the_model_and_every_file_counts_toward_its_bytes()
    {
        using var temp = new TempDirectory();
        var folder = TinyModel.WriteFolder(temp.File("Tiny-FP16"), TinyModel.Unquantized(), TinyModel.Config(), ("tokenizer.json", "{}"));

        var model = Describe(temp.Path);

        Assert.Equal("Tiny-FP16", model.Name);
        Assert.Equal(folder, model.PrimaryPath);
        Assert.Equal(3, model.Files.Count);
        Assert.Equal(Directory.GetFiles(folder).Sum(f => new FileInfo(f).Length), model.FileBytes);
    }

    [Fact]
    public void The_chat_template_comes_from_the_tokenizer_config()
    {
        using var temp = new TempDirectory();
        TinyModel.WriteFolder(
            temp.File("Tiny"), TinyModel.Unquantized(), TinyModel.Config(),
            ("tokenizer_config.json", """{"chat_template": "{% for m in messages %}{{ m.content }}{% endfor %}"}"""));

        Assert.Equal("{% for m in messages %}{{ m.content }}{% endfor %}", Describe(temp.Path).ChatTemplate);
    }

    [Fact]
    public void A_sharded_model_is_read_through_its_index_as_one_model()
    {
        using var temp = new TempDirectory();
        var folder = WriteSharded(temp.File("Tiny-sharded"));

        var model = Describe(temp.Path);

        Assert.Null(model.Error);
        Assert.Equal(TinyModel.ParameterCount, model.ParameterCount);
        Assert.Equal(Directory.GetFiles(folder).Sum(f => new FileInfo(f).Length), model.FileBytes);
        Assert.Equal(5, model.Files.Count);
    }

    [Fact]
    public void A_sharded_model_missing_a_shard_is_listed_with_an_error()
    {
        using var temp = new TempDirectory();
        var folder = WriteSharded(temp.File("Tiny-sharded"));
        File.Delete(Path.Combine(folder, "model-00002-of-00002.safetensors"));

        var model = Describe(temp.Path);

        Assert.Contains("model-00002-of-00002.safetensors", model.Error, StringComparison.Ordinal);
        Assert.Equal(ModelFormat.Safetensors, model.Format);
    }

    [Fact]
    public void An_index_that_places_a_tensor_in_the_wrong_shard_is_an_error()
    {
        using var temp = new TempDirectory();
        WriteSharded(temp.File("Tiny-sharded"), misplace: true);

        Assert.Contains("does not hold it", Describe(temp.Path).Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_safetensors_file_is_listed_with_an_error()
    {
        using var temp = new TempDirectory();
        var folder = TinyModel.WriteFolder(temp.File("Tiny"), TinyModel.Unquantized(), TinyModel.Config());
        File.WriteAllBytes(Path.Combine(folder, "model.safetensors"), [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0x7B]);

        var model = Describe(temp.Path);

        Assert.StartsWith("model.safetensors: ", model.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_config_json_is_listed_with_an_error()
    {
        using var temp = new TempDirectory();
        TinyModel.WriteFolder(temp.File("Tiny"), TinyModel.Unquantized(), "{ not json");

        Assert.StartsWith("config.json: ", Describe(temp.Path).Error, StringComparison.Ordinal);
    }

    /// <summary>The tiny FP16 model split over two shards, with a correct (or deliberately wrong) index.</summary>
    private static string WriteSharded(string folder, bool misplace = false)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), TinyModel.Config());
        var all = TinyModel.Unquantized();
        var names = all.TensorNames;
        var first = new SafetensorsTestWriter();
        var second = new SafetensorsTestWriter();
        var map = new List<string>();
        for (var i = 0; i < names.Count; i++)
        {
            var inFirst = i < names.Count / 2;
            var shape = ShapeOf(names[i]);
            (inFirst ? first : second).Add(names[i], "F16", shape);
            var listed = inFirst ^ (misplace && i == 0) ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
            map.Add($"\"{names[i]}\": \"{listed}\"");
        }

        first.WriteTo(Path.Combine(folder, "model-00001-of-00002.safetensors"));
        second.WriteTo(Path.Combine(folder, "model-00002-of-00002.safetensors"));
        File.WriteAllText(
            Path.Combine(folder, "model.safetensors.index.json"),
            $$$"""{"metadata": {"total_size": {{{all.TensorBytes}}}}, "weight_map": { {{{string.Join(", ", map)}}} }}""");
        File.WriteAllText(Path.Combine(folder, "generation_config.json"), "{}");
        return folder;
    }

    private static long[] ShapeOf(string tensorName)
    {
        if (tensorName.EndsWith("layernorm.weight", StringComparison.Ordinal) || tensorName == "model.norm.weight")
        {
            return [TinyModel.Hidden];
        }

        if (tensorName is "model.embed_tokens.weight" or "lm_head.weight")
        {
            return [TinyModel.Vocab, TinyModel.Hidden];
        }

        var (_, outFeatures, inFeatures) = TinyModel.Linears().Single(l => tensorName == l.Name + ".weight");
        return [outFeatures, inFeatures];
    }

    private static ModelDescriptor Describe(string root)
    {
        var candidate = Assert.Single(new ModelFileScanner().FindCandidates(root));
        Assert.Equal(ModelCandidateKind.SafetensorsFolder, candidate.Kind);
        return ModelFileScanner.Describe(candidate);
    }
}
