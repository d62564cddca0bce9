using System.Text.RegularExpressions;
using Workbench.Core.Library;

namespace Workbench.Core.Estimation;

/// <summary>
/// Gives a shape-built model (config.json, F16 matrices) the weight bytes a safetensors folder really stores, so an FP32,
/// BF16 or FP8 checkpoint is sized by its own tensors. The shape's tensors keep their names and dimensions (hypothetical
/// quantizations are built from those); only their bytes change, so the total equals the stored tensors' bytes exactly.
/// </summary>
public static partial class StoredWeightBytes
{
    /// <summary>
    /// <paramref name="model"/> with its tensors' bytes scaled to <paramref name="stored"/>'s, per placement group
    /// (blocks, input embeddings, output head, the rest) when both have the same groups, else as a whole.
    /// </summary>
    public static EstimationModel Apply(EstimationModel model, IReadOnlyList<TensorSummary> stored)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stored);
        if (model.Tensors.Count == 0 || stored.Sum(t => t.ByteSize) <= 0)
        {
            return model;
        }

        var storedByRole = new long[4];
        var shapeByRole = new long[4];
        foreach (var tensor in stored)
        {
            storedByRole[(int)RoleOf(tensor.Name)] += tensor.ByteSize;
        }

        foreach (var tensor in model.Tensors)
        {
            shapeByRole[(int)tensor.Role] += tensor.Bytes;
        }

        // A group one side has and the other lacks (tied embeddings stored untied, an unnamed layout): scale as a whole.
        var byRole = Enumerable.Range(0, 4).All(i => storedByRole[i] > 0 == shapeByRole[i] > 0);
        int Group(WeightTensor t) => byRole ? (int)t.Role : 0;
        var target = byRole ? storedByRole : [storedByRole.Sum(), 0, 0, 0];
        var source = byRole ? shapeByRole : [shapeByRole.Sum(), 0, 0, 0];

        var scaled = model.Tensors
            .Select(t => t with { Bytes = source[Group(t)] == 0 ? 0 : (long)((Int128)t.Bytes * target[Group(t)] / source[Group(t)]) })
            .ToArray();

        // The rounding remainder of each group goes to its largest tensor, so the groups add up to the stored bytes.
        for (var group = 0; group < 4; group++)
        {
            var members = Enumerable.Range(0, scaled.Length).Where(i => Group(model.Tensors[i]) == group).ToList();
            if (members.Count > 0)
            {
                var largest = members.MaxBy(i => scaled[i].Bytes);
                scaled[largest] = scaled[largest] with { Bytes = scaled[largest].Bytes + target[group] - members.Sum(i => scaled[i].Bytes) };
            }
        }

        return EstimationModel.WithTensors(model, scaled);
    }

    /// <summary>Where a Hugging Face tensor name goes: a numbered block, the token embeddings, the output head, or the rest.</summary>
    public static WeightRole RoleOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (Block().IsMatch(name))
        {
            return WeightRole.Layer;
        }

        if (name.Contains("embed_tokens", StringComparison.Ordinal) || name.Contains("tok_embeddings", StringComparison.Ordinal)
            || name.Contains("word_embeddings", StringComparison.Ordinal) || name.Contains("wte.", StringComparison.Ordinal)
            || name.Contains("embed_in.", StringComparison.Ordinal))
        {
            return WeightRole.InputEmbedding;
        }

        return name.StartsWith("lm_head.", StringComparison.Ordinal) || name.StartsWith("embed_out.", StringComparison.Ordinal)
            ? WeightRole.OutputHead
            : WeightRole.Other;
    }

    [GeneratedRegex(@"(^|\.)(layers|h|blocks)\.\d+\.", RegexOptions.CultureInvariant)]
    private static partial Regex Block();
}
