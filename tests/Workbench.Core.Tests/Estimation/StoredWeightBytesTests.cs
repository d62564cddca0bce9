using Workbench.Core.Estimation;
using Workbench.Core.Library;

namespace Workbench.Core.Tests.Estimation;

public sealed class StoredWeightBytesTests
{
    private static readonly EstimationModel Shape = new TransformerShape
    {
        LayerCount = 2,
        EmbeddingLength = 64,
        HeadCount = 4,
        HeadCountKv = 2,
        FeedForwardLength = 128,
        VocabularySize = 100,
    }.ToModel();

    /// <summary>The tensors a Hugging Face checkpoint of <see cref="Shape"/> stores, each element <paramref name="bytesPerElement"/> bytes.</summary>
    private static List<TensorSummary> Stored(int bytesPerElement, int embeddingBytesPerElement)
    {
        var tensors = new List<TensorSummary>
        {
            new("model.embed_tokens.weight", "X", 100 * 64, 100 * 64 * embeddingBytesPerElement),
            new("lm_head.weight", "X", 100 * 64, 100 * 64 * embeddingBytesPerElement),
            new("model.norm.weight", "X", 64, 64 * bytesPerElement),
        };
        for (var layer = 0; layer < 2; layer++)
        {
            foreach (var (name, elements) in new[] { ("self_attn.q_proj", 64 * 64), ("self_attn.k_proj", 32 * 64), ("mlp.down_proj", 128 * 64) })
            {
                tensors.Add(new($"model.layers.{layer}.{name}.weight", "X", elements, (long)elements * bytesPerElement));
            }
        }

        return tensors;
    }

    [Fact]
    public void The_weights_total_the_stored_tensor_bytes_exactly()
    {
        var stored = Stored(4, 4);

        var model = StoredWeightBytes.Apply(Shape, stored);

        Assert.Equal(stored.Sum(t => t.ByteSize), model.TotalWeightBytes);
        Assert.Equal(stored.Sum(t => t.ByteSize), model.Tensors.Sum(t => t.Bytes));
    }

    [Fact]
    public void Each_placement_group_gets_its_own_stored_bytes()
    {
        // FP8 blocks with BF16 embeddings and head, as FP8 checkpoints are stored.
        var stored = Stored(1, 2);

        var model = StoredWeightBytes.Apply(Shape, stored);

        Assert.Equal(100 * 64 * 2, model.InputEmbeddingBytes);
        Assert.Equal(100 * 64 * 2, model.OutputHeadBytes);
        Assert.Equal(64, model.OtherWeightBytes);
        Assert.Equal(stored.Where(t => t.Name.StartsWith("model.layers.", StringComparison.Ordinal)).Sum(t => t.ByteSize), model.LayerWeightBytes.Sum());
    }

    [Fact]
    public void Names_and_shapes_stay_so_hypothetical_quantizations_are_unchanged()
    {
        var model = StoredWeightBytes.Apply(Shape, Stored(4, 4));

        Assert.Equal(Shape.Tensors.Select(t => (t.Name, t.ElementCount)), model.Tensors.Select(t => (t.Name, t.ElementCount)));
        Assert.Equal(Shape.ParameterCount, model.ParameterCount);
        // The matrices are requantized from their dimensions; only the norms llama-quantize leaves alone keep scaled bytes.
        Assert.Equal(QuantizationCatalog.Find(Shape, "EXL2-4.0").WeightBytes, QuantizationCatalog.Find(model, "EXL2-4.0").WeightBytes);
        Assert.InRange(QuantizationCatalog.Find(model, "Q4_K_M").WeightBytes / (double)QuantizationCatalog.Find(Shape, "Q4_K_M").WeightBytes, 0.99, 1.01);
    }

    [Fact]
    public void A_group_the_shape_lacks_scales_the_whole_model_instead()
    {
        var tied = new TransformerShape { LayerCount = 2, EmbeddingLength = 64, HeadCount = 4, VocabularySize = 100, TiedEmbeddings = true }.ToModel();
        var stored = Stored(2, 2);

        var model = StoredWeightBytes.Apply(tied, stored);

        Assert.Equal(stored.Sum(t => t.ByteSize), model.TotalWeightBytes);
    }

    [Theory]
    [InlineData("model.layers.3.mlp.up_proj.weight", WeightRole.Layer)]
    [InlineData("transformer.h.0.attn.c_attn.weight", WeightRole.Layer)]
    [InlineData("model.embed_tokens.weight", WeightRole.InputEmbedding)]
    [InlineData("transformer.wte.weight", WeightRole.InputEmbedding)]
    [InlineData("lm_head.weight", WeightRole.OutputHead)]
    [InlineData("model.norm.weight", WeightRole.Other)]
    public void Hugging_face_names_map_to_placement_groups(string name, WeightRole role) => Assert.Equal(role, StoredWeightBytes.RoleOf(name));
}
