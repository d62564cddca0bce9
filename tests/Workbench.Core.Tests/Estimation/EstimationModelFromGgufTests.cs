using Workbench.Core.DemoModel;
using Workbench.Core.Estimation;
using Workbench.Core.Gguf;
using Workbench.Core.Tests.TestSupport;

namespace Workbench.Core.Tests.Estimation;

public sealed class EstimationModelFromGgufTests : IDisposable
{
    private static readonly DemoModelOptions Options = new()
    {
        EmbeddingLength = 128,
        LayerCount = 3,
        HeadCount = 4,
        HeadCountKv = 2,
        FeedForwardLength = 256,
        ContextLength = 1024,
        ExtraVocabularyPieces = 100,
    };

    private readonly TempDirectory _temp = new();
    private readonly GgufFile _file;
    private readonly EstimationModel _model;

    public EstimationModelFromGgufTests()
    {
        var path = _temp.File("demo.gguf");
        DemoModelGenerator.Write(path, Options);
        _file = GgufReader.ReadFile(path);
        _model = EstimationModel.FromGguf(_file);
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Weight_parts_add_up_to_the_tensor_bytes_of_the_file_exactly()
    {
        Assert.Equal(_file.TensorDataBytes, _model.TotalWeightBytes);
    }

    [Fact]
    public void Each_block_weighs_the_sum_of_its_tensors()
    {
        var expected = _file.Tensors.Where(t => t.Name.StartsWith("blk.1.", StringComparison.Ordinal)).Sum(t => t.ByteSize);

        Assert.Equal(3, _model.LayerWeightBytes.Count);
        Assert.Equal(expected, _model.LayerWeightBytes[1]);
    }

    [Fact]
    public void Embeddings_output_head_and_the_rest_are_kept_apart()
    {
        Assert.Equal(_file.FindTensor("token_embd.weight")!.ByteSize, _model.InputEmbeddingBytes);
        Assert.Equal(_file.FindTensor("output.weight")!.ByteSize, _model.OutputHeadBytes);
        Assert.Equal(_file.FindTensor("output_norm.weight")!.ByteSize, _model.OtherWeightBytes);
        Assert.False(_model.OutputTiedToEmbeddings);
    }

    [Fact]
    public void Architecture_facts_come_from_the_header()
    {
        Assert.Equal("llama", _model.Architecture);
        Assert.Equal(128, _model.EmbeddingLength);
        Assert.Equal([4, 4, 4], _model.HeadCountPerLayer);
        Assert.Equal([2, 2, 2], _model.HeadCountKvPerLayer);
        Assert.Equal(32, _model.KeyHeadLength);
        Assert.Equal(32, _model.ValueHeadLength);
        Assert.Equal(256, _model.FeedForwardLength);
        Assert.Equal(Options.VocabularySize, _model.VocabularySize);
        Assert.Equal(1024, _model.TrainingContextLength);
        Assert.Equal(_file.Facts.ParameterCount, _model.ParameterCount);
        Assert.Null(_model.SlidingWindowLayers);
        Assert.Null(_model.RecurrentLayers);
    }

    [Fact]
    public void A_model_without_an_output_head_uses_its_embeddings_on_the_gpu()
    {
        var model = EstimationModel.FromGguf(GgufTestFiles.RoundTrip(Writer("llama")
            .AddTensorZeros("token_embd.weight", GgmlType.F16, 64, 100)
            .AddTensorZeros("blk.0.attn_q.weight", GgmlType.F16, 64, 64)));

        Assert.True(model.OutputTiedToEmbeddings);
        Assert.Equal(0, model.OutputHeadBytes);
        Assert.Equal(64 * 100 * 2, model.OutputHeadDeviceBytes);
    }

    [Fact]
    public void Gemma3_layers_use_the_sliding_window_except_every_sixth()
    {
        var model = EstimationModel.FromGguf(GgufTestFiles.RoundTrip(Writer("gemma3", layers: 12)
            .AddMetadata("gemma3.attention.sliding_window", GgufValue.FromUInt32(1024))));

        Assert.Equal(1024, model.SlidingWindow);
        Assert.Equal([true, true, true, true, true, false, true, true, true, true, true, false], model.SlidingWindowLayers);
    }

    [Fact]
    public void A_window_pattern_stored_in_the_file_wins_over_the_architecture_default()
    {
        var model = EstimationModel.FromGguf(GgufTestFiles.RoundTrip(Writer("gemma3", layers: 4)
            .AddMetadata("gemma3.attention.sliding_window", GgufValue.FromUInt32(512))
            .AddMetadata("gemma3.attention.sliding_window_pattern", GgufValue.FromArray([false, true, false, true]))));

        Assert.Equal([false, true, false, true], model.SlidingWindowLayers);
    }

    [Fact]
    public void Recurrent_layers_keep_a_fixed_state_instead_of_a_kv_cache()
    {
        var model = EstimationModel.FromGguf(GgufTestFiles.RoundTrip(Writer("mamba", layers: 2)
            .AddMetadata("mamba.ssm.conv_kernel", GgufValue.FromUInt32(4))
            .AddMetadata("mamba.ssm.inner_size", GgufValue.FromUInt32(128))
            .AddMetadata("mamba.ssm.state_size", GgufValue.FromUInt32(16))));
        var settings = new RunSettings { ContextLength = 4096, ParallelSequences = 2 };

        // Per sequence: (conv 4 − 1) × inner 128 + state 16 × inner 128 floats.
        Assert.Equal([true, true], model.RecurrentLayers);
        Assert.Equal(((3 * 128) + (16 * 128)) * 4, model.RecurrentStateBytesPerSequence);
        Assert.Equal(2 * 2 * model.RecurrentStateBytesPerSequence, KvCacheSize.Total(model, settings));
        Assert.Equal(KvCacheSize.Total(model, settings), KvCacheSize.Total(model, settings with { ContextLength = 65536 }));
    }

    [Fact]
    public void A_header_without_a_block_count_is_refused_naming_the_key()
    {
        var file = GgufTestFiles.RoundTrip(new GgufWriter()
            .AddMetadata(GgufKeys.Architecture, GgufValue.FromString("llama"))
            .AddMetadata("llama.embedding_length", GgufValue.FromUInt32(64)));

        var error = Assert.Throws<EstimationModelException>(() => EstimationModel.FromGguf(file));

        Assert.Contains("llama.block_count", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void One_part_of_a_split_model_is_refused()
    {
        var file = GgufTestFiles.RoundTrip(Writer("llama")
            .AddMetadata(GgufKeys.SplitCount, GgufValue.FromUInt16(3))
            .AddMetadata(GgufKeys.SplitIndex, GgufValue.FromUInt16(1)));

        var error = Assert.Throws<EstimationModelException>(() => EstimationModel.FromGguf(file));

        Assert.Contains("part 2 of 3", error.Message, StringComparison.Ordinal);
    }

    private static GgufWriter Writer(string arch, int layers = 1) => new GgufWriter()
        .AddMetadata(GgufKeys.Architecture, GgufValue.FromString(arch))
        .AddMetadata($"{arch}.block_count", GgufValue.FromUInt32((uint)layers))
        .AddMetadata($"{arch}.embedding_length", GgufValue.FromUInt32(64))
        .AddMetadata($"{arch}.attention.head_count", GgufValue.FromUInt32(4))
        .AddMetadata($"{arch}.vocab_size", GgufValue.FromUInt32(100));
}

internal static class GgufWriterTestExtensions
{
    /// <summary>Adds a zero-filled tensor with dimensions innermost first.</summary>
    public static GgufWriter AddTensorZeros(this GgufWriter writer, string name, GgmlType type, params ulong[] dimensions)
    {
        var bytes = GgmlTypeInfo.Get(type).GetTensorByteSize(dimensions);
        return writer.AddTensor(name, type, dimensions, new byte[bytes]);
    }
}
