using Workbench.Core.Library;

namespace Workbench.Web.Api;

/// <summary>A model as the list endpoint returns it: the descriptor without its tensor table.</summary>
public sealed record ModelSummary(
    string Id,
    string Name,
    ModelFormat Format,
    string? QuantLabel,
    double? BitsPerWeight,
    long FileBytes,
    long? ParameterCount,
    ModelArchitecture Architecture,
    string Path,
    ModelSource Source,
    string? OllamaName,
    string? Error)
{
    /// <summary>The summary of a descriptor.</summary>
    public static ModelSummary From(ModelDescriptor model) => new(
        model.Id, model.Name, model.Format, model.QuantLabel, model.BitsPerWeight, model.FileBytes, model.ParameterCount,
        model.Architecture, model.PrimaryPath, model.Source, model.OllamaName, model.Error);
}
