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

        if (descriptor.Machine is { } machine)
        {
            // Read on its machine, which sends the shape with the listing (see Remember); this one cannot open the file.
            return (null, $"{machine} has not reported this model's shape.");
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

    /// <summary>The shape of a model on another machine, as its worker read it there.</summary>
    public void Remember(ModelDescriptor descriptor, EstimationModel model)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(model);
        _cache[descriptor.Id + "/" + descriptor.Fingerprint] = model;
    }

    private static EstimationModel FromGguf(ModelDescriptor descriptor) => GgufEstimationFiles.Read(descriptor);

    private static EstimationModel? FromArchitecture(ModelDescriptor descriptor) =>
        FromSafetensors(descriptor.Architecture, descriptor.Name, descriptor.Format, descriptor.QuantLabel, descriptor.Tensors);

    /// <summary>
    /// A safetensors folder's estimation model, the same for a folder on disk and one on the hub: its shape from
    /// config.json; for plain (and FP8 or other unpacked) weights, the bytes its headers list, so an FP32 or FP8
    /// checkpoint is not sized as F16. GPTQ, AWQ, EXL2 and MLX keep the shape, which the catalog quantizes to their label.
    /// </summary>
    public static EstimationModel? FromSafetensors(
        ModelArchitecture architecture, string? name, ModelFormat format, string? label, IReadOnlyList<TensorSummary> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var model = FromArchitecture(architecture, name);
        return model is null || format != ModelFormat.Safetensors || tensors.Count == 0
            ? model
            : StoredWeightBytes.Apply(model, tensors) with { WeightFormat = label ?? model.WeightFormat };
    }

    /// <summary>
    /// A safetensors model's estimation model from its architecture facts (config.json), the same for a folder on disk
    /// and one on the hub; null when the facts needed are missing.
    /// </summary>
    public static EstimationModel? FromArchitecture(ModelArchitecture architecture, string? name)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        return ConfigShape.FromArchitecture(architecture, name)?.ToModel();
    }
}
