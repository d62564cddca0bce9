using System.Buffers.Binary;
using Workbench.Core.Gguf;

namespace Workbench.Core.DemoModel;

/// <summary>
/// Writes small llama-architecture GGUF models with random weights: real enough for llama.cpp to load and
/// generate (gibberish) text, small and fast enough for tests and demos.
/// </summary>
public static class DemoModelGenerator
{
    private const int ChunkBytes = 64 * 1024;

    /// <summary>A ChatML-style Jinja chat template.</summary>
    public const string ChatTemplate =
        "{% for message in messages %}"
        + "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
        + "{% endfor %}"
        + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    /// <summary>
    /// Writes a demo model to <paramref name="path"/> atomically (a temporary file moved into place), so a crash
    /// never leaves a half-written model. Tensor data is streamed; memory use does not grow with the model.
    /// </summary>
    /// <exception cref="ArgumentException">The options cannot make a working model.</exception>
    public static void Write(string path, DemoModelOptions? options = null) => Write(path, options, beforeTensorData: null);

    /// <summary>Same as <see cref="Write(string, DemoModelOptions?)"/>; <paramref name="beforeTensorData"/> runs before each tensor's data is written (tests inject failures there).</summary>
    internal static void Write(string path, DemoModelOptions? options, Action<string>? beforeTensorData)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        CreateWriter(options, beforeTensorData).WriteTo(path);
    }

    /// <summary>A writer holding the demo model, for writing it to a stream.</summary>
    public static GgufWriter CreateWriter(DemoModelOptions? options = null) => CreateWriter(options, beforeTensorData: null);

    private static GgufWriter CreateWriter(DemoModelOptions? options, Action<string>? beforeTensorData)
    {
        options ??= DemoModelOptions.Tiny;
        options.Validate();

        var writer = new GgufWriter();
        AddMetadata(writer, options);

        var nEmbd = (ulong)options.EmbeddingLength;
        var nVocab = (ulong)options.VocabularySize;
        var nFf = (ulong)options.FeedForwardLength;
        var nEmbdKv = (ulong)(options.HeadCountKv * options.HeadDimension);
        var stream = 0;

        void Weights(string name, ulong[] dims, WeightShape? shape = null)
        {
            var seedStream = ++stream;
            var count = dims.Aggregate(1UL, (a, b) => a * b);
            writer.AddTensor(name, options.WeightType, dims, output =>
            {
                beforeTensorData?.Invoke(name);
                WriteRandomWeights(output, options.WeightType, count, new DemoWeightSource(options.Seed, seedStream, options.WeightStandardDeviation), shape);
            });
        }

        // End-of-sequence suppression: embedding dimension 0 is a constant that no layer writes to (row 0 of
        // attn_output and ffn_down is zero), so after the final RMS norm it is always positive; the EOS row of
        // the output head weighs that dimension strongly negative, so its logit is far below every other.
        var suppressed = SuppressedTokens(options);
        var suppress = suppressed.Count > 0;
        WeightShape? embeddingShape = suppress ? (i, w) => i % nEmbd == 0 ? 1.0f : w : null;
        WeightShape? ZeroFirstRow(ulong rowLength) => suppress ? (i, w) => i < rowLength ? 0f : w : null;
        WeightShape? outputShape = suppress
            ? (i, w) => suppressed.Contains((int)(i / nEmbd)) ? (i % nEmbd == 0 ? -16f : 0f) : w
            : null;

        void Norm(string name)
        {
            ++stream;
            writer.AddTensor(name, GgmlType.F32, [nEmbd], output =>
            {
                beforeTensorData?.Invoke(name);
                WriteOnes(output, nEmbd);
            });
        }

        Weights("token_embd.weight", [nEmbd, nVocab], embeddingShape);
        Norm("output_norm.weight");
        Weights("output.weight", [nEmbd, nVocab], outputShape);
        for (var layer = 0; layer < options.LayerCount; layer++)
        {
            var prefix = $"blk.{layer}.";
            Norm(prefix + "attn_norm.weight");
            Weights(prefix + "attn_q.weight", [nEmbd, nEmbd]);
            Weights(prefix + "attn_k.weight", [nEmbd, nEmbdKv]);
            Weights(prefix + "attn_v.weight", [nEmbd, nEmbdKv]);
            Weights(prefix + "attn_output.weight", [nEmbd, nEmbd], ZeroFirstRow(nEmbd));
            Norm(prefix + "ffn_norm.weight");
            Weights(prefix + "ffn_gate.weight", [nEmbd, nFf]);
            Weights(prefix + "ffn_up.weight", [nEmbd, nFf]);
            Weights(prefix + "ffn_down.weight", [nFf, nEmbd], ZeroFirstRow(nFf));
        }

        return writer;
    }

    /// <summary>Token ids whose output-head rows are shaped so they are never sampled.</summary>
    private static HashSet<int> SuppressedTokens(DemoModelOptions options)
    {
        var ids = new HashSet<int>();
        if (options.SuppressEndOfSequence)
        {
            ids.Add(DemoVocabulary.EosId);
        }

        if (options.SuppressNonPrintableBytes)
        {
            ids.Add(DemoVocabulary.UnknownId);
            ids.Add(DemoVocabulary.BosId);
            for (var b = 0; b < 256; b++)
            {
                if (b != '\n' && (b < 0x20 || b > 0x7E))
                {
                    ids.Add(DemoVocabulary.FirstByteId + b);
                }
            }
        }

        return ids;
    }

    private static void AddMetadata(GgufWriter writer, DemoModelOptions options)
    {
        const string arch = DemoModelOptions.Architecture;
        string Key(string suffix) => GgufKeys.ForArchitecture(arch, suffix);
        static GgufValue U32(int value) => GgufValue.FromUInt32((uint)value);

        var fileType = options.WeightType switch
        {
            GgmlType.F16 => LlamaFileType.MostlyF16,
            GgmlType.Q8_0 => LlamaFileType.MostlyQ8_0,
            _ => LlamaFileType.AllF32,
        };
        var (tokens, scores, types) = DemoVocabulary.Build(options.ExtraVocabularyPieces);

        writer
            .AddMetadata(GgufKeys.Architecture, GgufValue.FromString(arch))
            .AddMetadata(GgufKeys.Name, GgufValue.FromString(options.Name))
            .AddMetadata(GgufKeys.FileType, U32((int)fileType))
            .AddMetadata(Key(GgufKeys.ContextLengthSuffix), U32(options.ContextLength))
            .AddMetadata(Key(GgufKeys.EmbeddingLengthSuffix), U32(options.EmbeddingLength))
            .AddMetadata(Key(GgufKeys.BlockCountSuffix), U32(options.LayerCount))
            .AddMetadata(Key(GgufKeys.FeedForwardLengthSuffix), U32(options.FeedForwardLength))
            .AddMetadata(Key(GgufKeys.HeadCountSuffix), U32(options.HeadCount))
            .AddMetadata(Key(GgufKeys.HeadCountKvSuffix), U32(options.HeadCountKv))
            .AddMetadata(Key(GgufKeys.RmsNormEpsilonSuffix), GgufValue.FromFloat32(options.RmsNormEpsilon))
            .AddMetadata(Key(GgufKeys.RopeDimensionCountSuffix), U32(options.HeadDimension))
            .AddMetadata(Key(GgufKeys.VocabularySizeSuffix), U32(tokens.Length))
            .AddMetadata(GgufKeys.TokenizerModel, GgufValue.FromString("llama"))
            .AddMetadata(GgufKeys.Tokens, GgufValue.FromArray(tokens))
            .AddMetadata(GgufKeys.Scores, GgufValue.FromArray(scores))
            .AddMetadata(GgufKeys.TokenTypes, GgufValue.FromArray(types))
            .AddMetadata(GgufKeys.BosTokenId, U32(DemoVocabulary.BosId))
            .AddMetadata(GgufKeys.EosTokenId, U32(DemoVocabulary.EosId))
            .AddMetadata(GgufKeys.UnknownTokenId, U32(DemoVocabulary.UnknownId))
            .AddMetadata("tokenizer.ggml.add_bos_token", GgufValue.FromBool(true))
            .AddMetadata("tokenizer.ggml.add_eos_token", GgufValue.FromBool(false))
            .AddMetadata(GgufKeys.ChatTemplate, GgufValue.FromString(ChatTemplate));
    }

    /// <summary>Adjusts the random weight <c>w</c> at flat element index <c>i</c> (rows of ne[0] elements, innermost first).</summary>
    private delegate float WeightShape(ulong index, float weight);

    private static void WriteRandomWeights(Stream output, GgmlType type, ulong count, DemoWeightSource source, WeightShape? shape)
    {
        ulong index = 0;
        float Next()
        {
            var weight = source.NextWeight();
            return shape is null ? weight : shape(index++, weight);
        }

        if (type == GgmlType.Q8_0)
        {
            WriteQ8(output, count, Next);
            return;
        }

        var elementSize = type == GgmlType.F16 ? 2 : 4;
        var chunk = new byte[ChunkBytes];
        var perChunk = (ulong)(ChunkBytes / elementSize);
        while (count > 0)
        {
            var n = (int)Math.Min(count, perChunk);
            var span = chunk.AsSpan(0, n * elementSize);
            if (type == GgmlType.F16)
            {
                for (var i = 0; i < n; i++)
                {
                    BinaryPrimitives.WriteHalfLittleEndian(span[(2 * i)..], (Half)Next());
                }
            }
            else
            {
                for (var i = 0; i < n; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(span[(4 * i)..], Next());
                }
            }

            output.Write(span);
            count -= (ulong)n;
        }
    }

    // Q8_0 as ggml stores it: per block of 32 values an f16 scale d = max|x| / 127, then 32 signed bytes round(x / d).
    private static void WriteQ8(Stream output, ulong count, Func<float> next)
    {
        const int Block = DemoModelOptions.Q8Block;
        const int BlockBytes = 2 + Block;
        var blocksPerChunk = ChunkBytes / BlockBytes;
        var chunk = new byte[blocksPerChunk * BlockBytes];
        Span<float> values = stackalloc float[Block];
        var blocks = count / Block;
        while (blocks > 0)
        {
            var n = (int)Math.Min(blocks, (ulong)blocksPerChunk);
            for (var b = 0; b < n; b++)
            {
                var max = 0f;
                for (var i = 0; i < Block; i++)
                {
                    values[i] = next();
                    max = Math.Max(max, Math.Abs(values[i]));
                }

                var scale = max / 127f;
                var block = chunk.AsSpan(b * BlockBytes, BlockBytes);
                BinaryPrimitives.WriteHalfLittleEndian(block, (Half)scale);
                for (var i = 0; i < Block; i++)
                {
                    block[2 + i] = unchecked((byte)(sbyte)(scale == 0 ? 0 : Math.Clamp(MathF.Round(values[i] / scale), -127, 127)));
                }
            }

            output.Write(chunk.AsSpan(0, n * BlockBytes));
            blocks -= (ulong)n;
        }
    }

    private static void WriteOnes(Stream output, ulong count)
    {
        var ones = new byte[checked((int)count * 4)];
        for (var i = 0; i < ones.Length; i += 4)
        {
            BinaryPrimitives.WriteSingleLittleEndian(ones.AsSpan(i), 1.0f);
        }

        output.Write(ones);
    }
}
