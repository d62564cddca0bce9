using Workbench.Core.Estimation;
using Workbench.Core.Gguf;

namespace Workbench.Core.Tests.Estimation;

public sealed class QuantizationCatalogTests
{
    private static readonly EstimationModel Llama3 = KnownShapes.Llama3_8BModel;

    /// <summary>
    /// Sizes of the published Meta-Llama-3-8B(-Instruct) GGUF files in GB (10⁹ bytes); the files also carry about
    /// 8 MB of tokenizer metadata, inside the tolerance.
    /// </summary>
    [Theory]
    [InlineData("Q2_K", 3.18)]
    [InlineData("IQ3_XXS", 3.27)]
    [InlineData("Q3_K_S", 3.66)]
    [InlineData("Q3_K_M", 4.02)]
    [InlineData("Q3_K_L", 4.32)]
    [InlineData("IQ4_XS", 4.45)]
    [InlineData("Q4_K_S", 4.69)]
    [InlineData("Q4_K_M", 4.92)]
    [InlineData("Q5_K_S", 5.60)]
    [InlineData("Q5_K_M", 5.73)]
    [InlineData("Q6_K", 6.60)]
    [InlineData("Q8_0", 8.54)]
    [InlineData("F16", 16.07)]
    public void Llama3_8b_sizes_are_within_one_percent_of_the_published_files(string label, double publishedGb)
    {
        var option = QuantizationCatalog.Gguf(Llama3, label);

        Assert.InRange(option.WeightBytes / 1e9 / publishedGb, 0.99, 1.01);
    }

    [Fact]
    public void Q4_k_m_keeps_attn_v_and_ffn_down_at_q6_k_in_about_half_the_layers()
    {
        var tensors = QuantizationCatalog.Gguf(Llama3, "Q4_K_M").Model.Tensors;

        int Q6Layers(string kind) => tensors.Count(t => t.Name.EndsWith(kind, StringComparison.Ordinal) && t.Type == GgmlType.Q6_K);

        // use_more_bits: layers 0–3, 28–31 and every third between: 16 of 32.
        Assert.Equal(16, Q6Layers("attn_v.weight"));
        Assert.Equal(16, Q6Layers("ffn_down.weight"));
        Assert.All(tensors.Where(t => t.Name.EndsWith("attn_q.weight", StringComparison.Ordinal)), t => Assert.Equal(GgmlType.Q4_K, t.Type));
        Assert.Equal(GgmlType.Q6_K, tensors.Single(t => t.Name == "output.weight").Type);
        Assert.Equal(GgmlType.Q4_K, tensors.Single(t => t.Name == "token_embd.weight").Type);
        Assert.Equal(GgmlType.F32, tensors.Single(t => t.Name == "blk.0.attn_norm.weight").Type);
    }

    [Fact]
    public void Tied_embeddings_are_quantized_like_an_output_head()
    {
        var tied = (KnownShapes.Llama3_8B with { TiedEmbeddings = true }).ToModel();

        var tensors = QuantizationCatalog.Gguf(tied, "Q4_K_M").Model.Tensors;

        Assert.Equal(GgmlType.Q6_K, tensors.Single(t => t.Name == "token_embd.weight").Type);
    }

    [Fact]
    public void Rows_that_are_not_whole_k_quant_blocks_fall_back_to_legacy_types()
    {
        // n_embd 2880 is not a multiple of 256 (gpt-oss); Q4_K cannot store such rows, llama-quantize uses Q5_0.
        var odd = (KnownShapes.Llama2_7B with { EmbeddingLength = 2880, HeadCount = 45 }).ToModel();

        var tensors = QuantizationCatalog.Gguf(odd, "Q4_K_M").Model.Tensors;

        Assert.Equal(GgmlType.Q5_0, tensors.Single(t => t.Name == "blk.1.attn_q.weight").Type);
    }

    [Fact]
    public void The_catalog_lists_every_format_smallest_first()
    {
        var options = QuantizationCatalog.Describe(Llama3);

        Assert.Equal(QuantizationCatalog.GgufLabels.Count + 2 + QuantizationCatalog.Exl2BitRates.Count, options.Count);
        Assert.Equal(options.OrderBy(o => o.WeightBytes).Select(o => o.Label), options.Select(o => o.Label));
        Assert.Contains(options, o => o.Label == "GPTQ 4-bit g128" && o.Format == QuantizationFormat.Gptq);
        Assert.Contains(options, o => o.Label == "AWQ 4-bit g128" && o.Format == QuantizationFormat.Awq);
        Assert.Contains(options, o => o.Label == "EXL2 2.5 bpw" && o.Format == QuantizationFormat.Exl2);
    }

    [Fact]
    public void Gptq_packs_block_matrices_into_about_4_16_bits_and_keeps_embeddings_and_head_in_fp16()
    {
        var gptq = QuantizationCatalog.Gptq(Llama3).Model;
        var q = gptq.Tensors.Single(t => t.Name == "blk.0.attn_q.weight");

        // 4 bits + per 128 inputs an fp16 scale and an int4 zero (0.156 bits) + an int32 g_idx per input.
        Assert.Equal((4096L * 4096 / 2) + (32 * 4096 / 2) + (32 * 4096 * 2) + (4096 * 4), q.Bytes);
        Assert.Equal(128256L * 4096 * 2, gptq.InputEmbeddingBytes);
        Assert.Equal(128256L * 4096 * 2, gptq.OutputHeadBytes);
        Assert.True(QuantizationCatalog.Awq(Llama3).WeightBytes < QuantizationCatalog.Gptq(Llama3).WeightBytes);
    }

    [Fact]
    public void Exl2_stores_block_matrices_at_the_target_rate_and_the_head_at_6_bits()
    {
        var exl2 = QuantizationCatalog.Exl2(Llama3, 4.0).Model;

        Assert.Equal(4096L * 4096 / 2, exl2.Tensors.Single(t => t.Name == "blk.0.attn_q.weight").Bytes);
        Assert.Equal(128256L * 4096 * 6 / 8, exl2.OutputHeadBytes);
        Assert.Equal(128256L * 4096 * 2, exl2.InputEmbeddingBytes);
    }

    [Fact]
    public void With_settings_each_option_carries_its_verdict()
    {
        var options = QuantizationCatalog.Describe(Llama3, new RunSettings { ContextLength = 8192 }, [GpuBudget.WithGibibytes("8 GiB", 8)]);

        Assert.Equal(FitKind.FitsFully, options.Single(o => o.Label == "Q4_K_M").Estimate!.Verdict.Kind);
        Assert.Equal(FitKind.PartialOffload, options.Single(o => o.Label == "F16").Estimate!.Verdict.Kind);
        Assert.All(options, o => Assert.NotNull(o.Estimate));
    }

    [Fact]
    public void A_smaller_quantization_never_fits_fewer_layers()
    {
        var options = QuantizationCatalog.Describe(Llama3, new RunSettings { ContextLength = 8192 }, [GpuBudget.WithGibibytes("6 GiB", 6)])
            .Where(o => o.Format == QuantizationFormat.Gguf)
            .ToList();

        for (var i = 1; i < options.Count; i++)
        {
            Assert.True(options[i - 1].Estimate!.GpuLayers >= options[i].Estimate!.GpuLayers, $"{options[i - 1].Label} fits fewer layers than {options[i].Label}");
        }
    }

    [Fact]
    public void Bits_per_weight_count_every_weight()
    {
        var q8 = QuantizationCatalog.Gguf(Llama3, "Q8_0");

        Assert.Equal(q8.WeightBytes * 8.0 / Llama3.ParameterCount, q8.BitsPerWeight, 9);
        Assert.InRange(q8.BitsPerWeight, 8.5, 8.51);
    }

    [Fact]
    public void An_unknown_label_is_refused_with_the_known_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => QuantizationCatalog.Gguf(Llama3, "Q7_K"));

        Assert.Contains("Q4_K_M", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_without_its_tensor_list_cannot_be_requantized()
    {
        var bare = Llama3 with { Tensors = [] };

        Assert.Throws<EstimationModelException>(() => QuantizationCatalog.Describe(bare));
    }
}
