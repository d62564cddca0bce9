namespace Workbench.Core.Tests.Formats;

/// <summary>
/// A tiny llama-shaped model (hidden 64, 2 layers, 4 heads, 2 KV heads, feed-forward 128, vocabulary 100) written as
/// safetensors in each layout the library recognizes, with the real tensor names, dtypes and packed shapes of each
/// quantizer. Weights are zeros: only the structure matters.
/// </summary>
internal static class TinyModel
{
    public const int Hidden = 64;
    public const int Layers = 2;
    public const int Heads = 4;
    public const int KvHeads = 2;
    public const int Intermediate = 128;
    public const int Vocab = 100;

    /// <summary>Per layer: q 64×64, k 32×64, v 32×64, o 64×64, gate/up 128×64, down 64×128, two norms of 64; plus embeddings, head, norm.</summary>
    public const long ParameterCount = (Layers * ((64 * 64) + (32 * 64) + (32 * 64) + (64 * 64) + (2 * 128 * 64) + (64 * 128) + (2 * 64))) + (2 * Vocab * Hidden) + Hidden;

    public static IEnumerable<(string Name, long Out, long In)> Linears()
    {
        for (var layer = 0; layer < Layers; layer++)
        {
            var p = $"model.layers.{layer}";
            yield return ($"{p}.self_attn.q_proj", Hidden, Hidden);
            yield return ($"{p}.self_attn.k_proj", KvHeads * 16, Hidden);
            yield return ($"{p}.self_attn.v_proj", KvHeads * 16, Hidden);
            yield return ($"{p}.self_attn.o_proj", Hidden, Hidden);
            yield return ($"{p}.mlp.gate_proj", Intermediate, Hidden);
            yield return ($"{p}.mlp.up_proj", Intermediate, Hidden);
            yield return ($"{p}.mlp.down_proj", Hidden, Intermediate);
        }
    }

    /// <summary>config.json of the tiny model; <paramref name="quantizationConfig"/> is inserted as <c>quantization_config</c>.</summary>
    public static string Config(string? quantizationConfig = null, string torchDtype = "float16") =>
        $$"""
        {
          "architectures": ["LlamaForCausalLM"],
          "model_type": "llama",
          "hidden_size": {{Hidden}},
          "intermediate_size": {{Intermediate}},
          "num_hidden_layers": {{Layers}},
          "num_attention_heads": {{Heads}},
          "num_key_value_heads": {{KvHeads}},
          "max_position_embeddings": 2048,
          "vocab_size": {{Vocab}},
          "torch_dtype": "{{torchDtype}}",
          "tie_word_embeddings": false{{(quantizationConfig is null ? "" : $",\n  \"quantization_config\": {quantizationConfig}")}}
        }
        """;

    /// <summary>Unquantized weights, every tensor in <paramref name="dtype"/>.</summary>
    public static SafetensorsTestWriter Unquantized(string dtype = "F16")
    {
        var w = Shared(new SafetensorsTestWriter(), dtype);
        foreach (var (name, outFeatures, inFeatures) in Linears())
        {
            w.Add($"{name}.weight", dtype, outFeatures, inFeatures);
        }

        return w;
    }

    /// <summary>GPTQ: qweight I32 [in × bits / 32, out], qzeros I32 [groups, out × bits / 32], scales F16 [groups, out], g_idx I32 [in].</summary>
    public static SafetensorsTestWriter Gptq(int bits = 4, int groupSize = 128)
    {
        var w = Shared(new SafetensorsTestWriter(), "F16");
        foreach (var (name, outFeatures, inFeatures) in Linears())
        {
            var groups = (inFeatures + groupSize - 1) / groupSize;
            w.Add($"{name}.qweight", "I32", inFeatures * bits / 32, outFeatures)
                .Add($"{name}.qzeros", "I32", groups, outFeatures * bits / 32)
                .Add($"{name}.scales", "F16", groups, outFeatures)
                .Add($"{name}.g_idx", "I32", inFeatures);
        }

        return w;
    }

    /// <summary>AWQ GEMM: qweight I32 [in, out × bits / 32], qzeros I32 [groups, out × bits / 32], scales F16 [groups, out].</summary>
    public static SafetensorsTestWriter Awq(int bits = 4, int groupSize = 128)
    {
        var w = Shared(new SafetensorsTestWriter(), "F16");
        foreach (var (name, outFeatures, inFeatures) in Linears())
        {
            var groups = (inFeatures + groupSize - 1) / groupSize;
            w.Add($"{name}.qweight", "I32", inFeatures, outFeatures * bits / 32)
                .Add($"{name}.qzeros", "I32", groups, outFeatures * bits / 32)
                .Add($"{name}.scales", "F16", groups, outFeatures);
        }

        return w;
    }

    /// <summary>
    /// EXL2: q_weight I32 [packed rows, out], q_invperm I16 [in], q_scale I32 [groups, out / 8], q_scale_max F16 [groups],
    /// q_groups I16 [groups × 2]. Rows are packed at 4 bits here (EXL2 mixes widths; the count of rows does not matter).
    /// </summary>
    public static SafetensorsTestWriter Exl2()
    {
        var w = Shared(new SafetensorsTestWriter(), "F16");
        foreach (var (name, outFeatures, inFeatures) in Linears())
        {
            var groups = inFeatures / 32;
            w.Add($"{name}.q_weight", "I32", inFeatures * 4 / 32, outFeatures)
                .Add($"{name}.q_invperm", "I16", inFeatures)
                .Add($"{name}.q_scale", "I32", groups, outFeatures / 8)
                .Add($"{name}.q_scale_max", "F16", groups)
                .Add($"{name}.q_groups", "I16", groups * 2);
        }

        return w;
    }

    /// <summary>
    /// MLX: every linear layer and the embeddings as weight U32 [out, in × bits / 32] with scales and biases F16
    /// [out, in / group]; norms stay F16.
    /// </summary>
    public static SafetensorsTestWriter Mlx(int bits = 4, int groupSize = 64)
    {
        var w = new SafetensorsTestWriter();
        void Quantized(string name, long outFeatures, long inFeatures) =>
            w.Add($"{name}.weight", "U32", outFeatures, inFeatures * bits / 32)
                .Add($"{name}.scales", "F16", outFeatures, inFeatures / groupSize)
                .Add($"{name}.biases", "F16", outFeatures, inFeatures / groupSize);

        Quantized("model.embed_tokens", Vocab, Hidden);
        for (var layer = 0; layer < Layers; layer++)
        {
            w.Add($"model.layers.{layer}.input_layernorm.weight", "F16", Hidden)
                .Add($"model.layers.{layer}.post_attention_layernorm.weight", "F16", Hidden);
        }

        foreach (var (name, outFeatures, inFeatures) in Linears())
        {
            Quantized(name, outFeatures, inFeatures);
        }

        w.Add("model.norm.weight", "F16", Hidden);
        Quantized("lm_head", Vocab, Hidden);
        return w;
    }

    /// <summary>Embeddings, norms and the output head, which quantizers leave unquantized.</summary>
    private static SafetensorsTestWriter Shared(SafetensorsTestWriter w, string dtype)
    {
        w.Add("model.embed_tokens.weight", dtype, Vocab, Hidden);
        for (var layer = 0; layer < Layers; layer++)
        {
            w.Add($"model.layers.{layer}.input_layernorm.weight", dtype, Hidden)
                .Add($"model.layers.{layer}.post_attention_layernorm.weight", dtype, Hidden);
        }

        return w.Add("model.norm.weight", dtype, Hidden).Add("lm_head.weight", dtype, Vocab, Hidden);
    }

    /// <summary>Writes config.json, the weights as model.safetensors, and any side files into <paramref name="folder"/>.</summary>
    public static string WriteFolder(string folder, SafetensorsTestWriter weights, string config, params (string Name, string Text)[] sideFiles)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), config);
        weights.WriteTo(Path.Combine(folder, "model.safetensors"));
        foreach (var (name, text) in sideFiles)
        {
            File.WriteAllText(Path.Combine(folder, name), text);
        }

        return folder;
    }
}
