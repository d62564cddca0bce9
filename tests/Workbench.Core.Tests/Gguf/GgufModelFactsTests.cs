using Workbench.Core.Gguf;
using Workbench.Core.Tests.TestSupport;

namespace Workbench.Core.Tests.Gguf;

public sealed class GgufModelFactsTests
{
    [Fact]
    public void Kv_heads_default_to_the_head_count()
    {
        var facts = Facts(w => w
            .AddMetadata("general.architecture", GgufValue.FromString("llama"))
            .AddMetadata("llama.attention.head_count", GgufValue.FromUInt32(32)));

        Assert.Equal(32, facts.HeadCountKv);
        Assert.Null(facts.HeadCountKvPerLayer);
    }

    [Fact]
    public void Per_layer_kv_heads_give_the_largest_and_the_list()
    {
        var facts = Facts(w => w
            .AddMetadata("general.architecture", GgufValue.FromString("openelm"))
            .AddMetadata("openelm.attention.head_count", GgufValue.FromArray(new[] { 12, 12, 16 }))
            .AddMetadata("openelm.attention.head_count_kv", GgufValue.FromArray(new[] { 3, 4, 4 })));

        Assert.Equal(4, facts.HeadCountKv);
        Assert.Equal([3L, 4L, 4L], facts.HeadCountKvPerLayer);
        Assert.Equal(16, facts.HeadCount);
        Assert.Equal([12L, 12L, 16L], facts.HeadCountPerLayer);
    }

    [Fact]
    public void Head_lengths_default_to_embedding_length_over_heads()
    {
        var facts = Facts(w => w
            .AddMetadata("general.architecture", GgufValue.FromString("llama"))
            .AddMetadata("llama.embedding_length", GgufValue.FromUInt32(4096))
            .AddMetadata("llama.attention.head_count", GgufValue.FromUInt32(32)));

        Assert.Equal(128, facts.KeyLength);
        Assert.Equal(128, facts.ValueLength);
    }

    [Fact]
    public void Explicit_head_lengths_override_the_default()
    {
        var facts = Facts(w => w
            .AddMetadata("general.architecture", GgufValue.FromString("gemma"))
            .AddMetadata("gemma.embedding_length", GgufValue.FromUInt32(3072))
            .AddMetadata("gemma.attention.head_count", GgufValue.FromUInt32(16))
            .AddMetadata("gemma.attention.key_length", GgufValue.FromUInt32(256))
            .AddMetadata("gemma.attention.value_length", GgufValue.FromUInt32(256)));

        Assert.Equal(256, facts.KeyLength);
        Assert.Equal(256, facts.ValueLength);
    }

    [Theory]
    [InlineData(15u, "Q4_K_M", LlamaFileType.MostlyQ4_K_M)]
    [InlineData(1u, "F16", LlamaFileType.MostlyF16)]
    [InlineData(0u, "F32", LlamaFileType.AllF32)]
    [InlineData(38u, "MXFP4_MOE", LlamaFileType.MostlyMXFP4_MoE)]
    public void The_file_type_has_a_familiar_name(uint value, string name, LlamaFileType type)
    {
        var facts = Facts(w => w.AddMetadata("general.file_type", GgufValue.FromUInt32(value)));

        Assert.Equal(name, facts.FileTypeName);
        Assert.Equal(type, facts.FileType);
    }

    [Fact]
    public void An_unknown_file_type_is_named_by_its_number()
    {
        var facts = Facts(w => w.AddMetadata("general.file_type", GgufValue.FromUInt32(5)));

        Assert.Equal("unknown (5)", facts.FileTypeName);
        Assert.Null(facts.FileType);
    }

    [Fact]
    public void Counts_of_any_integer_type_are_accepted()
    {
        var facts = Facts(w => w
            .AddMetadata("general.architecture", GgufValue.FromString("llama"))
            .AddMetadata("llama.block_count", GgufValue.FromUInt8(80))
            .AddMetadata("llama.context_length", GgufValue.FromUInt64(131_072))
            .AddMetadata("llama.embedding_length", GgufValue.FromInt32(8192)));

        Assert.Equal(80, facts.LayerCount);
        Assert.Equal(131_072, facts.ContextLength);
        Assert.Equal(8192, facts.EmbeddingLength);
    }

    [Fact]
    public void A_negative_count_is_treated_as_absent()
    {
        var facts = Facts(w => w
            .AddMetadata("general.architecture", GgufValue.FromString("llama"))
            .AddMetadata("llama.block_count", GgufValue.FromInt32(-1)));

        Assert.Null(facts.LayerCount);
    }

    [Fact]
    public void Expert_counts_are_read()
    {
        var facts = Facts(w => w
            .AddMetadata("general.architecture", GgufValue.FromString("qwen3moe"))
            .AddMetadata("qwen3moe.expert_count", GgufValue.FromUInt32(128))
            .AddMetadata("qwen3moe.expert_used_count", GgufValue.FromUInt32(8)));

        Assert.Equal(128, facts.ExpertCount);
        Assert.Equal(8, facts.ExpertUsedCount);
    }

    [Fact]
    public void Split_information_is_read()
    {
        var facts = Facts(w => w
            .AddMetadata("split.no", GgufValue.FromUInt16(1))
            .AddMetadata("split.count", GgufValue.FromUInt16(3))
            .AddMetadata("split.tensors.count", GgufValue.FromInt32(724)));

        Assert.Equal(1, facts.SplitIndex);
        Assert.Equal(3, facts.SplitCount);
        Assert.Equal(724, facts.SplitTensorCount);
        Assert.True(facts.IsSplit);
    }

    [Fact]
    public void Vocabulary_size_falls_back_to_the_token_list()
    {
        var facts = Facts(w => w.AddMetadata("tokenizer.ggml.tokens", GgufValue.FromArray(new[] { "a", "b", "c" })));

        Assert.Equal(3, facts.VocabularySize);
    }

    [Fact]
    public void Bits_per_weight_is_tensor_bytes_times_8_over_parameters()
    {
        var writer = new GgufWriter();
        writer.AddTensor("q", GgmlType.Q4_K, [256, 4], new byte[144 * 4]);
        writer.AddTensor("norm", GgmlType.F32, [256], new byte[1024]);

        var facts = GgufTestFiles.RoundTrip(writer).Facts;

        Assert.Equal(1280, facts.ParameterCount);
        Assert.Equal((144 * 4 + 1024) * 8.0 / 1280, facts.BitsPerWeight);
    }

    [Fact]
    public void Typed_helpers_accept_any_integer_type()
    {
        var file = GgufTestFiles.RoundTrip(new GgufWriter()
            .AddMetadata("a", GgufValue.FromUInt8(7))
            .AddMetadata("b", GgufValue.FromInt64(-3))
            .AddMetadata("c", GgufValue.FromString("not a number")));

        Assert.Equal(7UL, file.GetUInt64OrDefault("a"));
        Assert.Equal(42UL, file.GetUInt64OrDefault("b", 42));
        Assert.Equal(-3L, file.GetInt64OrDefault("b"));
        Assert.Equal(5L, file.GetInt64OrDefault("c", 5));
        Assert.Equal(9L, file.GetInt64OrDefault("missing", 9));
        Assert.Equal("not a number", file.GetStringOrDefault("c"));
    }

    private static GgufModelFacts Facts(Func<GgufWriter, GgufWriter> build) =>
        GgufTestFiles.RoundTrip(build(new GgufWriter())).Facts;
}
