using System.Buffers.Binary;
using Workbench.Core.DemoModel;
using Workbench.Core.Gguf;
using Workbench.Core.Tests.TestSupport;

namespace Workbench.Core.Tests.DemoModel;

public sealed class DemoModelGeneratorTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void The_same_seed_gives_the_same_bytes()
    {
        var first = _temp.File("a.gguf");
        var second = _temp.File("b.gguf");

        DemoModelGenerator.Write(first, new DemoModelOptions { Seed = 7 });
        DemoModelGenerator.Write(second, new DemoModelOptions { Seed = 7 });

        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
    }

    [Fact]
    public void A_different_seed_gives_different_weights_of_the_same_layout()
    {
        var first = _temp.File("a.gguf");
        var second = _temp.File("b.gguf");

        DemoModelGenerator.Write(first, new DemoModelOptions { Seed = 1 });
        DemoModelGenerator.Write(second, new DemoModelOptions { Seed = 2 });

        Assert.NotEqual(File.ReadAllBytes(first), File.ReadAllBytes(second));
        Assert.Equal(new FileInfo(first).Length, new FileInfo(second).Length);
    }

    [Fact]
    public void A_failure_while_writing_leaves_the_previous_model_and_no_temporary_file()
    {
        var path = _temp.File("demo.gguf");
        DemoModelGenerator.Write(path);
        var previous = File.ReadAllBytes(path);

        Assert.Throws<IOException>(() => DemoModelGenerator.Write(
            path,
            new DemoModelOptions { Seed = 99 },
            beforeTensorData: name => throw new IOException($"simulated crash before {name}")));

        Assert.Equal(previous, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(_temp.Path));
    }

    [Fact]
    public void Writing_over_an_existing_model_replaces_it_and_leaves_no_temporary_file()
    {
        var path = _temp.File("demo.gguf");
        File.WriteAllText(path, "not a model");

        DemoModelGenerator.Write(path);

        Assert.Equal("llama", GgufReader.ReadFile(path).Facts.Architecture);
        Assert.Equal([path], Directory.GetFiles(_temp.Path));
    }

    public static TheoryData<string, ulong[]> LlamaTensorShapes
    {
        get
        {
            var vocab = (ulong)DemoModelOptions.Tiny.VocabularySize;
            return new()
            {
                { "token_embd.weight", [64, vocab] },
                { "output_norm.weight", [64] },
                { "output.weight", [64, vocab] },
                { "blk.0.attn_norm.weight", [64] },
                { "blk.0.attn_q.weight", [64, 64] },
                { "blk.0.attn_k.weight", [64, 32] },
                { "blk.0.attn_v.weight", [64, 32] },
                { "blk.0.attn_output.weight", [64, 64] },
                { "blk.0.ffn_norm.weight", [64] },
                { "blk.0.ffn_gate.weight", [64, 128] },
                { "blk.0.ffn_up.weight", [64, 128] },
                { "blk.1.ffn_down.weight", [128, 64] },
            };
        }
    }

    [Theory]
    [MemberData(nameof(LlamaTensorShapes))]
    public void The_default_model_has_each_llama_tensor_with_its_shape(string name, ulong[] dims)
    {
        var file = WriteAndRead(new DemoModelOptions());

        var tensor = file.FindTensor(name);

        Assert.NotNull(tensor);
        Assert.Equal(dims, tensor.Dimensions);
    }

    [Fact]
    public void The_default_model_has_exactly_the_llama_tensors()
    {
        var file = WriteAndRead(new DemoModelOptions());

        Assert.Equal(3 + (2 * 9), file.Tensors.Count);
    }

    [Fact]
    public void Weight_matrices_are_f16_and_norms_f32_by_default()
    {
        var file = WriteAndRead(new DemoModelOptions());

        Assert.All(file.Tensors.Where(t => t.Name.EndsWith("norm.weight", StringComparison.Ordinal)), t => Assert.Equal(GgmlType.F32, t.Type));
        Assert.All(file.Tensors.Where(t => !t.Name.EndsWith("norm.weight", StringComparison.Ordinal)), t => Assert.Equal(GgmlType.F16, t.Type));
        Assert.Equal(LlamaFileType.MostlyF16, file.Facts.FileType);
    }

    [Fact]
    public void The_f32_option_writes_f32_weights()
    {
        var file = WriteAndRead(new DemoModelOptions { WeightType = GgmlType.F32 });

        Assert.All(file.Tensors, t => Assert.Equal(GgmlType.F32, t.Type));
        Assert.Equal(LlamaFileType.AllF32, file.Facts.FileType);
    }

    [Fact]
    public void The_vocabulary_has_control_tokens_then_the_256_byte_tokens()
    {
        var file = WriteAndRead(new DemoModelOptions());

        var tokens = file.Metadata[GgufKeys.Tokens].GetArray<string>();
        var types = file.Metadata[GgufKeys.TokenTypes].GetArray<int>();

        Assert.Equal(["<unk>", "<s>", "</s>"], tokens.Take(3));
        Assert.Equal("<0x00>", tokens[3]);
        Assert.Equal("<0x0A>", tokens[3 + 10]);
        Assert.Equal("<0xFF>", tokens[3 + 255]);
        Assert.All(types.Skip(3).Take(256), t => Assert.Equal(6, t));
        Assert.Equal(tokens.Count, file.Metadata[GgufKeys.Scores].ArrayLength);
        Assert.Equal(tokens.Count, tokens.Distinct().Count());
        Assert.Equal(1L, file.GetInt64OrDefault(GgufKeys.BosTokenId));
        Assert.Equal(2L, file.GetInt64OrDefault(GgufKeys.EosTokenId));
        Assert.Equal("llama", file.GetStringOrDefault(GgufKeys.TokenizerModel));
    }

    [Fact]
    public void Extra_vocabulary_pieces_grow_the_vocabulary_and_the_embeddings()
    {
        var options = new DemoModelOptions { ExtraVocabularyPieces = 1000 };

        var file = WriteAndRead(options);

        Assert.Equal(options.VocabularySize, file.Facts.VocabularySize);
        Assert.Equal(DemoModelOptions.Tiny.VocabularySize + 1000, file.Facts.VocabularySize);
        Assert.Equal((ulong)options.VocabularySize, file.FindTensor("token_embd.weight")!.Dimensions[1]);
    }

    [Fact]
    public void Norm_weights_are_one_and_other_weights_are_small_and_centred()
    {
        var path = _temp.File("f32.gguf");
        DemoModelGenerator.Write(path, new DemoModelOptions { WeightType = GgmlType.F32 });
        var file = GgufReader.ReadFile(path);
        var bytes = File.ReadAllBytes(path);

        var norm = ReadFloats(bytes, file, "blk.1.ffn_norm.weight");
        var embeddings = ReadFloats(bytes, file, "blk.0.attn_q.weight");
        var mean = embeddings.Average();
        var std = Math.Sqrt(embeddings.Average(x => (x - mean) * (x - mean)));

        Assert.All(norm, x => Assert.Equal(1.0f, x));
        Assert.InRange(mean, -0.002, 0.002);
        Assert.InRange(std, 0.018, 0.022);
    }

    [Fact]
    public void End_of_sequence_suppression_pins_a_constant_dimension_that_the_eos_row_weighs_negatively()
    {
        var path = _temp.File("eos.gguf");
        var options = new DemoModelOptions { WeightType = GgmlType.F32 };
        DemoModelGenerator.Write(path, options);
        var file = GgufReader.ReadFile(path);
        var bytes = File.ReadAllBytes(path);
        var n = options.EmbeddingLength;

        var embeddings = ReadFloats(bytes, file, "token_embd.weight");
        var output = ReadFloats(bytes, file, "output.weight");
        var attnOutput = ReadFloats(bytes, file, "blk.0.attn_output.weight");
        var ffnDown = ReadFloats(bytes, file, "blk.1.ffn_down.weight");

        Assert.All(Enumerable.Range(0, options.VocabularySize), t => Assert.Equal(1f, embeddings[t * n]));
        Assert.All(attnOutput.Take(n), x => Assert.Equal(0f, x));
        Assert.All(ffnDown.Take(options.FeedForwardLength), x => Assert.Equal(0f, x));
        Assert.Equal(-16f, output[2 * n]);
        Assert.All(output.Skip((2 * n) + 1).Take(n - 1), x => Assert.Equal(0f, x));
        Assert.Equal(-16f, output[(3 + 0xFF) * n]); // byte 0xFF: never sampled
        Assert.NotEqual(-16f, output[(3 + 'a') * n]); // byte 'a': sampled as usual
    }

    [Fact]
    public void Without_suppression_every_weight_is_random()
    {
        var path = _temp.File("plain.gguf");
        DemoModelGenerator.Write(path, new DemoModelOptions { WeightType = GgmlType.F32, SuppressEndOfSequence = false, SuppressNonPrintableBytes = false });
        var file = GgufReader.ReadFile(path);

        var embeddings = ReadFloats(File.ReadAllBytes(path), file, "token_embd.weight");

        Assert.NotEqual(1f, embeddings[0]);
    }

    [Fact]
    public void The_large_preset_is_about_100_megabytes()
    {
        var length = DemoModelGenerator.CreateWriter(DemoModelOptions.Large).ComputeFileLength();

        Assert.InRange(length, 90_000_000, 120_000_000);
    }

    [Theory]
    [InlineData(64, 4, 3)]  // KV heads do not divide heads
    [InlineData(60, 8, 8)]  // head size 7.5
    [InlineData(36, 4, 4)]  // odd head size 9
    [InlineData(0, 4, 4)]
    public void Options_that_cannot_make_a_working_model_are_refused(int embedding, int heads, int kvHeads)
    {
        var options = new DemoModelOptions { EmbeddingLength = embedding, HeadCount = heads, HeadCountKv = kvHeads };

        Assert.Throws<ArgumentException>(() => DemoModelGenerator.Write(_temp.File("bad.gguf"), options));
        Assert.Empty(Directory.GetFiles(_temp.Path));
    }

    [Fact]
    public void Bf16_weights_are_refused()
    {
        var options = new DemoModelOptions { WeightType = GgmlType.BF16 };

        Assert.Throws<ArgumentException>(options.Validate);
    }

    private GgufFile WriteAndRead(DemoModelOptions options)
    {
        var path = _temp.File($"{Guid.NewGuid():N}.gguf");
        DemoModelGenerator.Write(path, options);
        return GgufReader.ReadFile(path);
    }

    private static float[] ReadFloats(byte[] bytes, GgufFile file, string name)
    {
        var tensor = file.FindTensor(name)!;
        var start = (int)file.GetTensorFileOffset(tensor);
        var values = new float[tensor.ElementCount];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(start + (4 * i)));
        }

        return values;
    }
}
