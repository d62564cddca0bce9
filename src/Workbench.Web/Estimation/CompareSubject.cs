using System.Collections.Concurrent;
using Workbench.Core.Estimation;
using Workbench.Core.Formats;
using Workbench.Core.Library;
using Workbench.Web.Library;

namespace Workbench.Web.Estimation;

/// <summary>
/// What the Compare page can compare: a library model, a well-known model from the architecture catalog (one you do
/// not own yet, keyed <c>known:&lt;id&gt;</c>) or a pasted config.json (keyed <see cref="PastedKey"/>).
/// </summary>
/// <param name="Model">The shape and weights to re-quantize; null when there is a <paramref name="Problem"/>.</param>
/// <param name="Descriptor">The library model, when it is one (measured loads and speeds belong to it).</param>
/// <param name="Problem">Why there is nothing to compare.</param>
public sealed record CompareSubject(EstimationModel? Model, ModelDescriptor? Descriptor, string? Problem)
{
    /// <summary>Key of the catalog models.</summary>
    public const string KnownPrefix = "known:";

    /// <summary>Key of the pasted config.json.</summary>
    public const string PastedKey = "pasted";

    // Catalog shapes are built once per process: the same instance lets the page reuse its described quantizations.
    private static readonly ConcurrentDictionary<string, EstimationModel> KnownModels = new(StringComparer.Ordinal);

    /// <summary>Resolves <paramref name="key"/>; <paramref name="pasted"/> is the model built from the pasted config, if any.</summary>
    public static CompareSubject Resolve(string? key, LibraryIndex library, EstimationModelSource source, EstimationModel? pasted)
    {
        ArgumentNullException.ThrowIfNull(library);
        ArgumentNullException.ThrowIfNull(source);
        if (key is null)
        {
            return new CompareSubject(null, null, "Choose a model.");
        }

        if (key == PastedKey)
        {
            return new CompareSubject(pasted, null, pasted is null ? "Paste a config.json and build its table." : null);
        }

        if (key.StartsWith(KnownPrefix, StringComparison.Ordinal))
        {
            return ArchitectureCatalog.Find(key[KnownPrefix.Length..]) is { } known
                ? new CompareSubject(KnownModels.GetOrAdd(known.Id, _ => known.Shape().ToModel()), null, null)
                : new CompareSubject(null, null, "That model is not in the catalog.");
        }

        if (library.Find(key) is not { } descriptor)
        {
            return new CompareSubject(null, null, "Choose a model.");
        }

        var (model, problem) = source.For(descriptor);
        return new CompareSubject(model, descriptor, problem);
    }

    /// <summary>The model of a pasted config.json, or the reason there is none.</summary>
    public static (EstimationModel? Model, string? Problem) FromPastedConfig(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return (null, "Paste the model's config.json first.");
        }

        try
        {
            return (ConfigShape.FromConfigJson(json, "pasted config.json").ToModel(), null);
        }
        catch (Exception ex) when (ex is ModelFormatException or EstimationModelException or OverflowException)
        {
            return (null, ex.Message);
        }
    }
}
