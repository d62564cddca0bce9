using System.Text.Json;

namespace Workbench.Core.Formats;

/// <summary>
/// The architecture facts of a Hugging Face <c>config.json</c>. Multimodal configs keep the language model's facts in a
/// nested object (<c>text_config</c>, <c>llm_config</c> or <c>language_config</c>); each fact is read from there first,
/// then from the top level. Older field names (GPT-2's <c>n_layer</c>, <c>n_embd</c>, MPT's <c>d_model</c> …) are
/// accepted as fallbacks. A fact is null when the config does not state it as a positive integer.
/// </summary>
public sealed record HuggingFaceConfig
{
    public const string FileName = "config.json";

    /// <summary>Largest config or other JSON side file read.</summary>
    public const int MaxFileBytes = JsonFiles.MaxSideFileBytes;

    private static readonly string[] NestedTextConfigs = ["text_config", "llm_config", "language_config"];

    /// <summary><c>model_type</c> of the top level, e.g. "llama", "mistral3".</summary>
    public string? ModelType { get; init; }

    /// <summary><c>model_type</c> of the nested text config, when there is one (e.g. "mistral" inside "mistral3").</summary>
    public string? TextModelType { get; init; }

    /// <summary><c>architectures</c>, e.g. ["LlamaForCausalLM"].</summary>
    public IReadOnlyList<string> Architectures { get; init; } = [];

    /// <summary><c>architectures[0]</c>.</summary>
    public string? ArchitectureName => Architectures.Count > 0 ? Architectures[0] : null;

    /// <summary><c>num_hidden_layers</c>.</summary>
    public long? LayerCount { get; init; }

    /// <summary><c>hidden_size</c>.</summary>
    public long? HiddenSize { get; init; }

    /// <summary><c>num_attention_heads</c>.</summary>
    public long? HeadCount { get; init; }

    /// <summary><c>num_key_value_heads</c>; defaults to the head count.</summary>
    public long? KeyValueHeadCount { get; init; }

    /// <summary><c>head_dim</c>; defaults to hidden_size / num_attention_heads.</summary>
    public long? HeadDim { get; init; }

    /// <summary><c>v_head_dim</c> where the value heads differ (DeepSeek MLA); otherwise the head dim.</summary>
    public long? ValueHeadDim { get; init; }

    /// <summary><c>intermediate_size</c>.</summary>
    public long? IntermediateSize { get; init; }

    /// <summary><c>moe_intermediate_size</c>: n_ff of one expert where it differs from <c>intermediate_size</c> (Qwen MoE, DeepSeek).</summary>
    public long? ExpertIntermediateSize { get; init; }

    /// <summary><c>max_position_embeddings</c>.</summary>
    public long? MaxPositionEmbeddings { get; init; }

    /// <summary><c>vocab_size</c>.</summary>
    public long? VocabSize { get; init; }

    /// <summary><c>num_local_experts</c> (Mixtral), <c>num_experts</c> (Qwen MoE) or <c>n_routed_experts</c> (DeepSeek).</summary>
    public long? ExpertCount { get; init; }

    /// <summary><c>num_experts_per_tok</c>.</summary>
    public long? ExpertsPerToken { get; init; }

    /// <summary><c>sliding_window</c>, unless <c>use_sliding_window</c> is false.</summary>
    public long? SlidingWindow { get; init; }

    /// <summary><c>rope_scaling</c>, when present.</summary>
    public RopeScaling? RopeScaling { get; init; }

    /// <summary><c>torch_dtype</c> (or <c>dtype</c>, its newer name), e.g. "bfloat16".</summary>
    public string? TorchDtype { get; init; }

    /// <summary><c>tie_word_embeddings</c>.</summary>
    public bool? TieWordEmbeddings { get; init; }

    /// <summary>The quantization the config states (<c>quantization_config</c>, or MLX's <c>quantization</c>); null if none.</summary>
    public QuantizationConfig? Quantization { get; init; }

    /// <summary>Reads <c>config.json</c> at <paramref name="path"/>.</summary>
    /// <exception cref="ModelFormatException">The file is too large, not JSON, or not an object.</exception>
    public static HuggingFaceConfig ReadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var document = JsonFiles.ReadObject(path);
        return From(document.RootElement);
    }

    /// <summary>Parses config.json as fetched (bytes, perhaps with a byte order mark).</summary>
    /// <exception cref="ModelFormatException">Too large, not JSON, or not an object.</exception>
    public static HuggingFaceConfig FromBytes(byte[] bytes)
    {
        using var document = JsonFiles.ParseFileBytes(bytes, FileName);
        return From(document.RootElement);
    }

    /// <summary>Parses config.json text.</summary>
    /// <exception cref="ModelFormatException">The text is not a JSON object.</exception>
    public static HuggingFaceConfig Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = JsonFiles.ParseObject(System.Text.Encoding.UTF8.GetBytes(json), FileName);
        return From(document.RootElement);
    }

    private static HuggingFaceConfig From(JsonElement root)
    {
        JsonElement? text = null;
        foreach (var key in NestedTextConfigs)
        {
            if (JsonFiles.GetObject(root, key) is { } nested)
            {
                text = nested;
                break;
            }
        }

        // Each fact: the nested text config first, then the top level.
        long? Count(params ReadOnlySpan<string> names) =>
            (text is { } t ? JsonFiles.GetCount(t, names) : null) ?? JsonFiles.GetCount(root, names);
        string? Text(string name) => (text is { } t ? JsonFiles.GetString(t, name) : null) ?? JsonFiles.GetString(root, name);
        bool? Flag(string name) => (text is { } t ? JsonFiles.GetBool(t, name) : null) ?? JsonFiles.GetBool(root, name);
        JsonElement? Object(string name) => (text is { } t ? JsonFiles.GetObject(t, name) : null) ?? JsonFiles.GetObject(root, name);

        var hidden = Count("hidden_size", "n_embd", "d_model", "dim");
        var heads = Count("num_attention_heads", "n_head", "n_heads", "num_heads");
        var headDim = Count("head_dim", "attention_head_dim") ?? (hidden is { } h && heads is { } n && h % n == 0 ? h / n : null);
        var slidingWindow = Flag("use_sliding_window") == false ? null : Count("sliding_window");

        return new HuggingFaceConfig
        {
            ModelType = JsonFiles.GetString(root, "model_type"),
            TextModelType = text is { } tc ? JsonFiles.GetString(tc, "model_type") : null,
            Architectures = ReadArchitectures(root) ?? (text is { } ta ? ReadArchitectures(ta) : null) ?? [],
            LayerCount = Count("num_hidden_layers", "n_layer", "num_layers", "n_layers"),
            HiddenSize = hidden,
            HeadCount = heads,
            KeyValueHeadCount = Count("num_key_value_heads", "num_kv_heads", "n_head_kv", "multi_query_group_num") ?? heads,
            HeadDim = headDim,
            ValueHeadDim = Count("v_head_dim") ?? headDim,
            IntermediateSize = Count("intermediate_size", "n_inner", "ffn_hidden_size", "ffn_dim"),
            ExpertIntermediateSize = Count("moe_intermediate_size"),
            MaxPositionEmbeddings = Count("max_position_embeddings", "n_positions", "max_seq_len", "seq_length", "max_sequence_length"),
            VocabSize = Count("vocab_size", "padded_vocab_size"),
            ExpertCount = Count("num_local_experts", "num_experts", "n_routed_experts", "moe_num_experts"),
            ExpertsPerToken = Count("num_experts_per_tok", "num_experts_per_token", "moe_topk", "moe_top_k"),
            SlidingWindow = slidingWindow,
            RopeScaling = Object("rope_scaling") is { } rope ? RopeScaling.From(rope) : null,
            TorchDtype = Text("torch_dtype") ?? Text("dtype"),
            TieWordEmbeddings = Flag("tie_word_embeddings"),
            Quantization = ReadQuantization(root),
        };
    }

    private static List<string>? ReadArchitectures(JsonElement element)
    {
        if (!JsonFiles.TryGet(element, "architectures", out var value) || value.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var names = value.EnumerateArray()
            .Where(e => e.ValueKind == JsonValueKind.String)
            .Select(e => e.GetString()!)
            .ToList();
        return names.Count > 0 ? names : null;
    }

    private static QuantizationConfig? ReadQuantization(JsonElement root)
    {
        var stated = JsonFiles.GetObject(root, "quantization_config");
        if (stated is { } q && QuantizationConfig.FromJson(q, sourceFile: FileName) is { } withMethod)
        {
            return withMethod;
        }

        // mlx-lm writes "quantization" (and a method-less copy as "quantization_config"): {"group_size": 64, "bits": 4}.
        var mlx = JsonFiles.GetObject(root, "quantization") ?? stated;
        return mlx is { } m && JsonFiles.GetDouble(m, "bits") is not null
            ? QuantizationConfig.FromJson(m, QuantizationMethod.Mlx, FileName)
            : null;
    }
}

/// <summary><c>rope_scaling</c> of a Hugging Face config: how the model stretches its position encoding beyond training length.</summary>
public sealed record RopeScaling
{
    /// <summary><c>rope_type</c> (or the older <c>type</c>): "linear", "dynamic", "yarn", "llama3" …</summary>
    public string? Type { get; init; }

    /// <summary><c>factor</c>.</summary>
    public double? Factor { get; init; }

    /// <summary><c>original_max_position_embeddings</c>.</summary>
    public long? OriginalMaxPositionEmbeddings { get; init; }

    internal static RopeScaling From(JsonElement element) => new()
    {
        Type = JsonFiles.GetString(element, "rope_type") ?? JsonFiles.GetString(element, "type"),
        Factor = JsonFiles.GetDouble(element, "factor"),
        OriginalMaxPositionEmbeddings = JsonFiles.GetCount(element, "original_max_position_embeddings"),
    };
}
