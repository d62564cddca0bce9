using Workbench.Core.Gguf;

namespace Workbench.Core.Estimation;

/// <summary>
/// What the memory and speed estimates need to know about a model, independent of its file format: the
/// architecture's shapes and the weights split the way llama.cpp places them (per block, input embeddings, output
/// head, the rest). Build one with <see cref="FromGguf(GgufFile)"/>, <see cref="TransformerShape.ToModel"/>, or
/// directly for other formats (safetensors GPTQ/AWQ/EXL2).
/// </summary>
/// <remarks>
/// Tied embeddings: when a model has no <c>output.weight</c>, llama.cpp reuses <c>token_embd.weight</c> as the output
/// head and, for an offloaded output layer, loads a second copy of it on that GPU while the input layer stays in CPU
/// RAM. <see cref="OutputHeadBytes"/> is then 0 (the file holds one copy), <see cref="OutputTiedToEmbeddings"/> is
/// true, and <see cref="OutputHeadDeviceBytes"/> is the embedding size the estimator puts on the GPU.
/// </remarks>
public sealed record EstimationModel
{
    /// <summary>Architecture name as in GGUF (<c>general.architecture</c>), e.g. "llama", "gemma3".</summary>
    public required string Architecture { get; init; }

    public string? Name { get; init; }

    /// <summary>Repeating blocks (n_layer).</summary>
    public required int LayerCount { get; init; }

    /// <summary>n_embd: width of the residual stream.</summary>
    public required long EmbeddingLength { get; init; }

    /// <summary>Attention heads per layer (n_head(il)); 0 for layers without attention.</summary>
    public required IReadOnlyList<int> HeadCountPerLayer { get; init; }

    /// <summary>Key/value heads per layer (n_head_kv(il)); 0 for layers without a KV cache (recurrent layers).</summary>
    public required IReadOnlyList<int> HeadCountKvPerLayer { get; init; }

    /// <summary>Size of one key head (n_embd_head_k).</summary>
    public required int KeyHeadLength { get; init; }

    /// <summary>Size of one value head (n_embd_head_v).</summary>
    public required int ValueHeadLength { get; init; }

    /// <summary>n_ff of the dense feed-forward network (the largest when it varies by layer).</summary>
    public long FeedForwardLength { get; init; }

    /// <summary>n_ff of one expert in a mixture-of-experts layer; 0 when the model has no experts or does not say.</summary>
    public long ExpertFeedForwardLength { get; init; }

    /// <summary>Tokens in the vocabulary (n_vocab): the width of the logits.</summary>
    public required long VocabularySize { get; init; }

    /// <summary>Context the model was trained for; 0 when unknown.</summary>
    public long TrainingContextLength { get; init; }

    /// <summary>Experts per mixture-of-experts layer; 0 for a dense model.</summary>
    public int ExpertCount { get; init; }

    /// <summary>Experts routed per token.</summary>
    public int ExpertUsedCount { get; init; }

    /// <summary>Sliding-window size in tokens (<c>{arch}.attention.sliding_window</c>); 0 when the model has none.</summary>
    public int SlidingWindow { get; init; }

    /// <summary>Per layer: true where the layer attends only to the last <see cref="SlidingWindow"/> tokens; null when none do.</summary>
    public IReadOnlyList<bool>? SlidingWindowLayers { get; init; }

    /// <summary>Per layer: true for recurrent (SSM/RWKV) layers, which keep a fixed-size state instead of a KV cache; null when none are.</summary>
    public IReadOnlyList<bool>? RecurrentLayers { get; init; }

    /// <summary>Bytes of one recurrent layer's state for one sequence (f32 conv/shift state plus SSM/WKV state).</summary>
    public long RecurrentStateBytesPerSequence { get; init; }

    /// <summary>Bytes of each block's tensors (<c>blk.N.*</c>), indexed by block.</summary>
    public required IReadOnlyList<long> LayerWeightBytes { get; init; }

    /// <summary>Bytes of each block's routed-expert tensors (<c>ffn_*_exps</c>), a part of <see cref="LayerWeightBytes"/>; null for dense models.</summary>
    public IReadOnlyList<long>? LayerExpertWeightBytes { get; init; }

    /// <summary>Token embeddings (<c>token_embd*</c>); llama.cpp keeps them in CPU RAM.</summary>
    public long InputEmbeddingBytes { get; init; }

    /// <summary>The output head (<c>output.weight</c>) as stored; 0 when tied to the embeddings.</summary>
    public long OutputHeadBytes { get; init; }

    /// <summary>True when the model has no separate output head and llama.cpp uses the token embeddings for the logits.</summary>
    public bool OutputTiedToEmbeddings { get; init; }

    /// <summary>All other tensors (final norm, rope factors …); placed with the output layer.</summary>
    public long OtherWeightBytes { get; init; }

    /// <summary>Number of weights.</summary>
    public long ParameterCount { get; init; }

    /// <summary>The tensors, when known: used to re-quantize hypothetically and to size llama.cpp's weight copies. May be empty.</summary>
    public IReadOnlyList<WeightTensor> Tensors { get; init; } = [];

    /// <summary>How the weights are stored, e.g. "Q4_K_M", "GPTQ 4-bit g128"; null when unknown.</summary>
    public string? WeightFormat { get; init; }

    /// <summary>All weight bytes as stored: blocks + embeddings + output head + the rest.</summary>
    public long TotalWeightBytes => LayerWeightBytes.Sum() + InputEmbeddingBytes + OutputHeadBytes + OtherWeightBytes;

    /// <summary>Bytes of the output head on the device that runs the output layer (the embeddings again when tied).</summary>
    public long OutputHeadDeviceBytes => OutputTiedToEmbeddings ? InputEmbeddingBytes : OutputHeadBytes;

    /// <summary>Weight bits per parameter; 0 when the parameter count is unknown.</summary>
    public double BitsPerWeight => ParameterCount > 0 ? TotalWeightBytes * 8.0 / ParameterCount : 0;

    public bool IsSlidingWindowLayer(int layer) => SlidingWindow > 0 && SlidingWindowLayers is { } flags && layer < flags.Count && flags[layer];

    public bool IsRecurrentLayer(int layer) => RecurrentLayers is { } flags && layer < flags.Count && flags[layer];

    /// <summary>n_embd_k_gqa(il): key values cached per token in a layer.</summary>
    public long KeyValuesPerToken(int layer) => (long)KeyHeadLength * HeadCountKvPerLayer[layer];

    /// <summary>n_embd_v_gqa(il): value values cached per token in a layer.</summary>
    public long ValueValuesPerToken(int layer) => (long)ValueHeadLength * HeadCountKvPerLayer[layer];

    /// <summary>Bytes of a block's weights read per generated token: everything but the unused experts.</summary>
    public double ActiveLayerWeightBytes(int layer)
    {
        var total = LayerWeightBytes[layer];
        if (LayerExpertWeightBytes is not { } experts || ExpertCount <= 0)
        {
            return total;
        }

        var used = Math.Clamp(ExpertUsedCount, 0, ExpertCount);
        return total - experts[layer] + experts[layer] * (double)used / ExpertCount;
    }

    /// <summary>Throws <see cref="EstimationModelException"/> naming the first inconsistency.</summary>
    public void Validate()
    {
        void Require(bool condition, string message)
        {
            if (!condition)
            {
                throw new EstimationModelException($"Model '{Name ?? Architecture}': {message}");
            }
        }

        Require(LayerCount > 0, $"the layer count must be positive, not {LayerCount}.");
        Require(EmbeddingLength > 0, $"the embedding length must be positive, not {EmbeddingLength}.");
        Require(VocabularySize >= 0, "the vocabulary size cannot be negative.");
        Require(HeadCountPerLayer.Count == LayerCount, $"{HeadCountPerLayer.Count} head counts given for {LayerCount} layers.");
        Require(HeadCountKvPerLayer.Count == LayerCount, $"{HeadCountKvPerLayer.Count} KV head counts given for {LayerCount} layers.");
        Require(LayerWeightBytes.Count == LayerCount, $"{LayerWeightBytes.Count} layer sizes given for {LayerCount} layers.");
        Require(LayerExpertWeightBytes is null || LayerExpertWeightBytes.Count == LayerCount, "the expert sizes must be given per layer.");
        Require(SlidingWindowLayers is null || SlidingWindowLayers.Count == LayerCount, "the sliding-window flags must be given per layer.");
        Require(RecurrentLayers is null || RecurrentLayers.Count == LayerCount, "the recurrent-layer flags must be given per layer.");
        Require(KeyHeadLength >= 0 && ValueHeadLength >= 0, "head lengths cannot be negative.");
        Require(HeadCountKvPerLayer.All(n => n >= 0) && HeadCountPerLayer.All(n => n >= 0), "head counts cannot be negative.");
        Require(LayerWeightBytes.All(b => b >= 0) && InputEmbeddingBytes >= 0 && OutputHeadBytes >= 0 && OtherWeightBytes >= 0,
            "weight sizes cannot be negative.");
    }

    /// <summary>Reads the architecture and the weight split from a GGUF header.</summary>
    /// <exception cref="EstimationModelException">The header lacks the architecture, block count or embedding length, or is one part of a split model.</exception>
    public static EstimationModel FromGguf(GgufFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (file.Facts.IsSplit)
        {
            throw new EstimationModelException(
                $"This file is part {file.Facts.SplitIndex + 1} of {file.Facts.SplitCount} of a split model; read all parts and use {nameof(FromGgufSplits)}.");
        }

        return FromGgufSplits([file]);
    }

    /// <summary>Reads a model split over several GGUF files (metadata from the first, tensors from all).</summary>
    public static EstimationModel FromGgufSplits(IReadOnlyList<GgufFile> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0)
        {
            throw new ArgumentException("At least one GGUF file is needed.", nameof(parts));
        }

        var first = parts.FirstOrDefault(p => p.Facts.SplitIndex is null or 0) ?? parts[0];
        return GgufEstimationModelReader.Read(first, parts.SelectMany(p => p.Tensors).Select(WeightTensor.FromGguf).ToList());
    }

    /// <summary>Splits tensors into llama.cpp's placement groups and returns a copy of <paramref name="template"/> with them.</summary>
    public static EstimationModel WithTensors(EstimationModel template, IReadOnlyList<WeightTensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(tensors);
        var layers = new long[template.LayerCount];
        var experts = new long[template.LayerCount];
        long input = 0, output = 0, other = 0, parameters = 0;
        var hasOutput = false;
        foreach (var tensor in tensors)
        {
            parameters = checked(parameters + tensor.ElementCount);
            switch (tensor.Role)
            {
                case WeightRole.Layer when tensor.Layer < layers.Length:
                    layers[tensor.Layer] += tensor.Bytes;
                    if (tensor.IsRoutedExperts)
                    {
                        experts[tensor.Layer] += tensor.Bytes;
                    }

                    break;
                case WeightRole.InputEmbedding:
                    input += tensor.Bytes;
                    break;
                case WeightRole.OutputHead:
                    output += tensor.Bytes;
                    hasOutput = true;
                    break;
                default:
                    // Includes blocks beyond n_layer (e.g. next-token-prediction layers llama.cpp does not run).
                    other += tensor.Bytes;
                    break;
            }
        }

        return template with
        {
            Tensors = tensors,
            LayerWeightBytes = layers,
            LayerExpertWeightBytes = experts.Any(b => b > 0) ? experts : null,
            InputEmbeddingBytes = input,
            OutputHeadBytes = output,
            OutputTiedToEmbeddings = !hasOutput && input > 0,
            OtherWeightBytes = other,
            ParameterCount = parameters,
        };
    }
}
