using Workbench.Core.DemoModel;
using Workbench.Core.Gguf;
using Workbench.Core.Tests.Formats;

namespace Workbench.Core.Tests.TestSupport;

/// <summary>Model files for the local hub: demo models big enough that a header is a small part of them, and split sets.</summary>
internal static class HubModelFixtures
{
    /// <summary>≈ 10 MB: n_embd 256, 4 layers, a 4,300-token vocabulary; the header is about 100 KB of it.</summary>
    public static DemoModelOptions Medium { get; } = new()
    {
        EmbeddingLength = 256,
        LayerCount = 4,
        HeadCount = 4,
        HeadCountKv = 2,
        FeedForwardLength = 512,
        ContextLength = 4096,
        ExtraVocabularyPieces = 4000,
    };

    /// <summary>Writes a demo model (F16 or F32 weights) to <paramref name="path"/>.</summary>
    public static string WriteModel(string path, GgmlType weights = GgmlType.F16, string? name = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        DemoModelGenerator.Write(path, Medium with { WeightType = weights, Name = name ?? Medium.Name });
        return path;
    }

    /// <summary>
    /// Splits a GGUF file as llama.cpp's gguf-split does: the metadata in the first part, every part with
    /// <c>split.no</c>, <c>split.count</c> and <c>split.tensors.count</c>, the tensors in order over the parts.
    /// </summary>
    public static IReadOnlyList<string> Split(string sourcePath, string folder, string baseName, int parts)
    {
        var source = GgufReader.ReadFile(sourcePath);
        Directory.CreateDirectory(folder);
        var perPart = (source.Tensors.Count + parts - 1) / parts;
        var paths = new List<string>();
        for (var i = 0; i < parts; i++)
        {
            var writer = new GgufWriter(source.Alignment);
            if (i == 0)
            {
                foreach (var (key, value) in source.Metadata.Where(m => m.Key != GgufKeys.Alignment))
                {
                    writer.AddMetadata(key, value);
                }
            }

            writer.AddMetadata(GgufKeys.SplitIndex, GgufValue.FromUInt16((ushort)i))
                .AddMetadata(GgufKeys.SplitCount, GgufValue.FromUInt16((ushort)parts))
                .AddMetadata(GgufKeys.SplitTensorCount, GgufValue.FromInt32(source.Tensors.Count));
            foreach (var tensor in source.Tensors.Skip(i * perPart).Take(perPart))
            {
                var offset = source.GetTensorFileOffset(tensor);
                writer.AddTensor(tensor.Name, tensor.Type, tensor.Dimensions.ToArray(), output =>
                {
                    using var input = File.OpenRead(sourcePath);
                    input.Position = offset;
                    var buffer = new byte[tensor.ByteSize];
                    input.ReadExactly(buffer);
                    output.Write(buffer);
                });
            }

            var path = Path.Combine(folder, $"{baseName}-{i + 1:00000}-of-{parts:00000}.gguf");
            writer.WriteTo(path);
            paths.Add(path);
        }

        return paths;
    }

    /// <summary>
    /// An EXL2 model folder as ExLlamaV2's converter writes one (config.json with <c>quantization_config</c>
    /// <c>quant_method: exl2</c> and <c>bits</c>, one safetensors file of q_weight/q_invperm/q_scale/q_scale_max/q_groups
    /// per linear layer) with hidden size 512, 2 layers and a 4,000-token vocabulary: about 8 MB, a header of a few KB.
    /// </summary>
    public static string WriteExl2Folder(string folder, int bits)
    {
        const int hidden = 512, intermediate = 1024, vocab = 4000, layers = 2;
        var weights = new SafetensorsTestWriter().Add("model.embed_tokens.weight", "F16", vocab, hidden);
        for (var layer = 0; layer < layers; layer++)
        {
            var p = $"model.layers.{layer}";
            weights.Add($"{p}.input_layernorm.weight", "F16", hidden).Add($"{p}.post_attention_layernorm.weight", "F16", hidden);
            foreach (var (name, outputs, inputs) in new (string, long, long)[]
            {
                ("self_attn.q_proj", hidden, hidden), ("self_attn.k_proj", hidden / 2, hidden), ("self_attn.v_proj", hidden / 2, hidden),
                ("self_attn.o_proj", hidden, hidden), ("mlp.gate_proj", intermediate, hidden), ("mlp.up_proj", intermediate, hidden),
                ("mlp.down_proj", hidden, intermediate),
            })
            {
                var groups = inputs / 32;
                weights.Add($"{p}.{name}.q_weight", "I32", inputs * bits / 32, outputs)
                    .Add($"{p}.{name}.q_invperm", "I16", inputs)
                    .Add($"{p}.{name}.q_scale", "I32", groups, outputs / 8)
                    .Add($"{p}.{name}.q_scale_max", "F16", groups)
                    .Add($"{p}.{name}.q_groups", "I16", groups * 2);
            }
        }

        weights.Add("model.norm.weight", "F16", hidden).Add("lm_head.weight", "F16", vocab, hidden);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), $$"""
            {
              "architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": {{hidden}}, "intermediate_size": {{intermediate}},
              "num_hidden_layers": {{layers}}, "num_attention_heads": 8, "num_key_value_heads": 4, "max_position_embeddings": 4096,
              "vocab_size": {{vocab}}, "torch_dtype": "float16", "tie_word_embeddings": false,
              "quantization_config": {"quant_method": "exl2", "bits": {{bits}}, "head_bits": 16}
            }
            """);
        weights.WriteTo(Path.Combine(folder, "model.safetensors"));
        return folder;
    }
}
