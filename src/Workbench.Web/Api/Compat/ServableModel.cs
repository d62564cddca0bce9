using Workbench.Core.Library;

namespace Workbench.Web.Api.Compat;

/// <summary>A model the compatible APIs can serve: a readable GGUF file from the library, under its API name.</summary>
/// <param name="Name">The name clients use: the Ollama name for Ollama models, else the library name; folder-qualified where files share it.</param>
/// <param name="Descriptor">The library's facts about it.</param>
public sealed record ServableModel(string Name, ModelDescriptor Descriptor)
{
    /// <summary>Path the worker loads.</summary>
    public string Path => Descriptor.PrimaryPath;

    /// <summary>Whether a client's <paramref name="requested"/> name refers to this model (name, id, or file name, with or without a ":latest" tag).</summary>
    public bool Answers(string requested)
    {
        var name = requested.EndsWith(":latest", StringComparison.OrdinalIgnoreCase) ? requested[..^":latest".Length] : requested;
        return Matches(requested) || Matches(name);
    }

    /// <summary>Whether <paramref name="requested"/> is this model's API name (with or without a ":latest" tag).</summary>
    public bool IsNamed(string requested)
    {
        ArgumentNullException.ThrowIfNull(requested);
        var name = requested.EndsWith(":latest", StringComparison.OrdinalIgnoreCase) ? requested[..^":latest".Length] : requested;
        return string.Equals(requested, Name, StringComparison.OrdinalIgnoreCase) || string.Equals(name, Name, StringComparison.OrdinalIgnoreCase);
    }

    private bool Matches(string name) =>
        string.Equals(name, Name, StringComparison.OrdinalIgnoreCase)
        || string.Equals(name, Descriptor.Id, StringComparison.OrdinalIgnoreCase)
        || string.Equals(name, Descriptor.OllamaName, StringComparison.OrdinalIgnoreCase)
        || string.Equals(name, Descriptor.Name, StringComparison.OrdinalIgnoreCase)
        || string.Equals(name, System.IO.Path.GetFileName(Path), StringComparison.OrdinalIgnoreCase)
        || string.Equals(name, System.IO.Path.GetFileNameWithoutExtension(Path), StringComparison.OrdinalIgnoreCase);
}
