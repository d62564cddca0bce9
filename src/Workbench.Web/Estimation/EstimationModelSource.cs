using System.Collections.Concurrent;
using Workbench.Core.Estimation;
using Workbench.Core.Gguf;
using Workbench.Core.Library;

namespace Workbench.Web.Estimation;

/// <summary>
/// Turns a library model into what the estimator works on: GGUF files from their real tensor table,
/// other formats from their architecture facts. Results are cached per model fingerprint.
/// </summary>
public sealed class EstimationModelSource
{
    private readonly ConcurrentDictionary<string, EstimationModel> _cache = new(StringComparer.Ordinal);

    /// <summary>The estimation model, or an explanation of why there is none.</summary>
    public (EstimationModel? Model, string? Problem) For(ModelDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        if (descriptor.Error is { } error)
        {
            return (null, $"The model could not be read: {error}");
        }

        var key = descriptor.Id + "/" + descriptor.Fingerprint;
        if (_cache.TryGetValue(key, out var cached))
        {
            return (cached, null);
        }

        try
        {
            var model = descriptor.Format == ModelFormat.Gguf ? FromGguf(descriptor) : FromArchitecture(descriptor);
            if (model is null)
            {
                return (null, "The model's architecture (layers, hidden size, heads, vocabulary) is not known, so its memory cannot be estimated.");
            }

            _cache[key] = model;
            return (model, null);
        }
        catch (Exception ex) when (ex is GgufFormatException or EstimationModelException or IOException or UnauthorizedAccessException)
        {
            return (null, ex.Message);
        }
    }

    private static EstimationModel FromGguf(ModelDescriptor descriptor)
    {
        var parts = descriptor.Files.Where(f => f.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToList();
        return parts.Count > 1
            ? EstimationModel.FromGgufSplits([.. parts.Select(GgufReader.ReadFile)])
            : EstimationModel.FromGguf(GgufReader.ReadFile(descriptor.PrimaryPath));
    }

    private static EstimationModel? FromArchitecture(ModelDescriptor descriptor) => FromArchitecture(descriptor.Architecture, descriptor.Name);

    /// <summary>
    /// A safetensors model's estimation model from its architecture facts (config.json), the same for a folder on disk
    /// and one on the hub; null when the facts needed are missing.
    /// </summary>
    public static EstimationModel? FromArchitecture(ModelArchitecture a, string? name)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (a.LayerCount is not { } layers || a.HiddenSize is not { } hidden || a.HeadCount is not { } heads || a.VocabularySize is not { } vocab)
        {
            return null;
        }

        return new TransformerShape
        {
            Architecture = a.Name ?? "llama",
            Name = name,
            LayerCount = (int)layers,
            EmbeddingLength = (int)hidden,
            HeadCount = (int)heads,
            HeadCountKv = (int?)a.KeyValueHeadCount,
            HeadLength = (int?)a.HeadDim,
            FeedForwardLength = (int)(a.IntermediateSize ?? 4 * hidden),
            VocabularySize = (int)vocab,
            ContextLength = (int)(a.MaxContextLength ?? 4096),
            ExpertCount = (int)(a.ExpertCount ?? 0),
            ExpertUsedCount = (int)(a.ExpertsUsedCount ?? 0),
            SlidingWindow = (int)(a.SlidingWindow ?? 0),
        }.ToModel();
    }
}
