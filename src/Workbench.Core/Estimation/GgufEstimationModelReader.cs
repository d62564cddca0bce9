using System.Collections.Frozen;
using Workbench.Core.Gguf;

namespace Workbench.Core.Estimation;

/// <summary>Builds an <see cref="EstimationModel"/> from GGUF metadata, applying llama.cpp's per-architecture defaults.</summary>
internal static class GgufEstimationModelReader
{
    /// <summary>
    /// Sliding-window layer patterns llama.cpp hard-codes per architecture (<c>hparams.set_swa_pattern(n)</c> in
    /// llama-model.cpp): layer il uses the window when il % n &lt; n - 1. GGUF files of these models do not store it.
    /// </summary>
    private static readonly FrozenDictionary<string, int> SlidingWindowPatterns = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["gemma2"] = 2,
        ["gemma3"] = 6,
        ["cohere2"] = 4,
        ["gpt-oss"] = 2,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Architectures whose every layer is recurrent (llama.cpp's <c>llm_arch_is_recurrent</c>).</summary>
    private static readonly FrozenSet<string> RecurrentArchitectures =
        new[] { "mamba", "mamba2", "rwkv6", "rwkv6qwen2", "rwkv7", "arwkv7" }.ToFrozenSet(StringComparer.Ordinal);

    public static EstimationModel Read(GgufFile file, IReadOnlyList<WeightTensor> tensors)
    {
        var facts = file.Facts;
        var arch = facts.Architecture
            ?? throw new EstimationModelException("The GGUF file does not name its architecture (general.architecture).");
        string Key(string suffix) => GgufKeys.ForArchitecture(arch, suffix);

        var layerCount = facts.LayerCount is > 0 and <= int.MaxValue and var n ? (int)n
            : throw new EstimationModelException($"The GGUF file does not give a block count ({Key(GgufKeys.BlockCountSuffix)}).");
        var embedding = facts.EmbeddingLength is > 0 and var e ? e
            : throw new EstimationModelException($"The GGUF file does not give an embedding length ({Key(GgufKeys.EmbeddingLengthSuffix)}).");

        var heads = PerLayer(facts.HeadCountPerLayer, facts.HeadCount, layerCount);
        var kvHeads = PerLayer(facts.HeadCountKvPerLayer, facts.HeadCountKv, layerCount);

        var vocabulary = facts.VocabularySize
            ?? tensors.FirstOrDefault(t => t.Name is "token_embd.weight" or "output.weight")?.Dimensions.ElementAtOrDefault(1)
            ?? 0;

        var recurrent = RecurrentLayers(file, arch, kvHeads, layerCount);
        var window = (int)Math.Min(int.MaxValue, file.GetInt64OrDefault(Key("attention.sliding_window")));

        var template = new EstimationModel
        {
            Architecture = arch,
            Name = facts.Name,
            LayerCount = layerCount,
            EmbeddingLength = embedding,
            HeadCountPerLayer = heads,
            HeadCountKvPerLayer = kvHeads,
            KeyHeadLength = (int)(facts.KeyLength ?? 0),
            ValueHeadLength = (int)(facts.ValueLength ?? 0),
            FeedForwardLength = facts.FeedForwardLength ?? 0,
            ExpertFeedForwardLength = file.GetInt64OrDefault(Key("expert_feed_forward_length")),
            VocabularySize = vocabulary,
            TrainingContextLength = facts.ContextLength ?? 0,
            ExpertCount = (int)(facts.ExpertCount ?? 0),
            ExpertUsedCount = (int)(facts.ExpertUsedCount ?? 0),
            SlidingWindow = window,
            SlidingWindowLayers = window > 0 ? SlidingWindowLayers(file, arch, layerCount) : null,
            RecurrentLayers = recurrent,
            RecurrentStateBytesPerSequence = recurrent is null ? 0 : RecurrentStateBytes(file, arch, embedding),
            LayerWeightBytes = [],
            WeightFormat = facts.FileTypeName,
        };
        return EstimationModel.WithTensors(template, tensors);
    }

    private static int[] PerLayer(IReadOnlyList<long>? perLayer, long? single, int layerCount)
    {
        var result = new int[layerCount];
        for (var i = 0; i < layerCount; i++)
        {
            var value = perLayer is { Count: > 0 } ? perLayer[Math.Min(i, perLayer.Count - 1)] : single ?? 0;
            result[i] = (int)Math.Clamp(value, 0, int.MaxValue);
        }

        return result;
    }

    private static bool[]? SlidingWindowLayers(GgufFile file, string arch, int layerCount)
    {
        var key = GgufKeys.ForArchitecture(arch, "attention.sliding_window_pattern");
        if (file.TryGetArray<bool>(key, out var flags) && flags.Count > 0)
        {
            return Enumerable.Range(0, layerCount).Select(i => i < flags.Count && flags[i]).ToArray();
        }

        var pattern = file.TryGetInt64(key, out var p) && p > 0 ? (int)p : SlidingWindowPatterns.GetValueOrDefault(arch);
        if (pattern <= 0)
        {
            // llama.cpp applies a window only to architectures that declare one; others ignore the key.
            return null;
        }

        return Enumerable.Range(0, layerCount).Select(i => i % pattern < pattern - 1).ToArray();
    }

    private static bool[]? RecurrentLayers(GgufFile file, string arch, int[] kvHeads, int layerCount)
    {
        if (RecurrentArchitectures.Contains(arch))
        {
            return Enumerable.Repeat(true, layerCount).ToArray();
        }

        // Hybrid models (Jamba, Granite-hybrid, Nemotron-H …) mark their SSM layers with zero KV heads.
        if (file.TryGetInt64(GgufKeys.ForArchitecture(arch, "ssm.state_size"), out _) && kvHeads.Any(h => h == 0))
        {
            return kvHeads.Select(h => h == 0).ToArray();
        }

        return null;
    }

    /// <summary>llama.cpp's hparams n_embd_r() + n_embd_s(), stored as f32, for one sequence.</summary>
    private static long RecurrentStateBytes(GgufFile file, string arch, long embedding)
    {
        long Get(string suffix) => file.GetInt64OrDefault(GgufKeys.ForArchitecture(arch, suffix));
        long r, s;
        var wkvHead = Get("wkv.head_size");
        if (wkvHead > 0)
        {
            var shifts = Get("token_shift_count");
            r = (shifts > 0 ? shifts : 2) * embedding;
            s = embedding * wkvHead;
        }
        else
        {
            var conv = Get("ssm.conv_kernel");
            var inner = Get("ssm.inner_size");
            var state = Get("ssm.state_size");
            var groups = Get("ssm.group_count");
            r = (conv > 0 ? conv - 1 : 0) * (inner + 2 * groups * state);
            s = state * inner;
        }

        return checked((r + s) * sizeof(float));
    }
}
