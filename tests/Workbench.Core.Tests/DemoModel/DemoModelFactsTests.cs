using Workbench.Core.DemoModel;
using Workbench.Core.Gguf;
using Workbench.Core.Tests.TestSupport;

namespace Workbench.Core.Tests.DemoModel;

/// <summary>The facts the reader computes for the default demo model.</summary>
public sealed class DemoModelFactsTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly GgufFile _file;

    public DemoModelFactsTests()
    {
        var path = _temp.File("demo.gguf");
        DemoModelGenerator.Write(path);
        _file = GgufReader.ReadFile(path);
    }

    private GgufModelFacts Facts => _file.Facts;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Architecture_is_llama() => Assert.Equal("llama", Facts.Architecture);

    [Fact]
    public void Name_is_the_demo_name() => Assert.Equal("Workbench demo (random weights)", Facts.Name);

    [Fact]
    public void Layers_are_2() => Assert.Equal(2, Facts.LayerCount);

    [Fact]
    public void Heads_are_4() => Assert.Equal(4, Facts.HeadCount);

    [Fact]
    public void Kv_heads_are_2() => Assert.Equal(2, Facts.HeadCountKv);

    [Fact]
    public void Embedding_length_is_64() => Assert.Equal(64, Facts.EmbeddingLength);

    [Fact]
    public void Feed_forward_length_is_128() => Assert.Equal(128, Facts.FeedForwardLength);

    [Fact]
    public void Head_lengths_are_16() => Assert.Equal((16L, 16L), (Facts.KeyLength!.Value, Facts.ValueLength!.Value));

    [Fact]
    public void Context_length_is_512() => Assert.Equal(512, Facts.ContextLength);

    [Fact]
    public void Chat_template_is_present() => Assert.Contains("<|im_start|>", Facts.ChatTemplate, StringComparison.Ordinal);

    [Fact]
    public void File_type_is_f16() => Assert.Equal("F16", Facts.FileTypeName);

    [Fact]
    public void Parameter_count_is_the_sum_of_tensor_elements()
    {
        Assert.Equal(_file.Tensors.Sum(t => t.ElementCount), Facts.ParameterCount);
    }

    [Fact]
    public void Parameter_count_matches_the_llama_shapes()
    {
        const long embd = 64, ff = 128, kv = 2 * 16, layers = 2;
        var vocab = Facts.VocabularySize!.Value;
        var perLayer = embd + (embd * embd) + (2 * embd * kv) + (embd * embd) + embd + (3 * embd * ff);

        Assert.Equal((2 * embd * vocab) + embd + (layers * perLayer), Facts.ParameterCount);
    }

    [Fact]
    public void Vocabulary_size_is_the_token_count() =>
        Assert.Equal(_file.Metadata[GgufKeys.Tokens].ArrayLength, Facts.VocabularySize);

    [Fact]
    public void Bits_per_weight_is_just_above_16() => Assert.InRange(Facts.BitsPerWeight!.Value, 16.0, 16.1);

    [Fact]
    public void The_model_is_not_split() => Assert.False(Facts.IsSplit);
}
