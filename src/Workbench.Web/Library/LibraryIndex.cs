using Workbench.Core.Library;

namespace Workbench.Web.Library;

/// <summary>The library as the pages see it: every indexed model, in memory, replaced after each scan.</summary>
public sealed class LibraryIndex
{
    private IReadOnlyList<ModelDescriptor> _models = [];
    private Dictionary<string, ModelDescriptor> _byId = new(StringComparer.Ordinal);
    private Dictionary<string, ModelDescriptor> _byPath = new(StringComparer.Ordinal);

    /// <summary>Raised after the models changed.</summary>
    public event Action? Changed;

    /// <summary>All models, by path.</summary>
    public IReadOnlyList<ModelDescriptor> Models => _models;

    /// <summary>The model with this id, if indexed.</summary>
    public ModelDescriptor? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>The model whose primary file (or folder) is <paramref name="path"/>, e.g. what a worker reports it loaded.</summary>
    public ModelDescriptor? FindByPath(string path) => _byPath.GetValueOrDefault(path);

    internal void Replace(IReadOnlyList<ModelDescriptor> models)
    {
        _byId = models.GroupBy(m => m.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        _byPath = models.GroupBy(m => m.PrimaryPath, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        _models = models;
        Changed?.Invoke();
    }
}
