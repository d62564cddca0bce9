using Workbench.Core.Library;

namespace Workbench.Web.Library;

/// <summary>
/// The library as the pages see it: every indexed model, in memory. The dashboard's own folders are replaced after each
/// scan; the models on other machines' disks (<see cref="ModelDescriptor.Machine"/>) as their workers report them.
/// </summary>
public sealed class LibraryIndex
{
    private readonly Lock _gate = new();
    private IReadOnlyList<ModelDescriptor> _local = [];
    private Dictionary<string, IReadOnlyList<ModelDescriptor>> _machines = new(StringComparer.Ordinal);
    private IReadOnlyList<ModelDescriptor> _models = [];
    private Dictionary<string, ModelDescriptor> _byId = new(StringComparer.Ordinal);
    private Dictionary<string, ModelDescriptor> _byPath = new(StringComparer.Ordinal);

    /// <summary>Raised after the models changed.</summary>
    public event Action? Changed;

    /// <summary>All models: the dashboard's folders by path, then each other machine's.</summary>
    public IReadOnlyList<ModelDescriptor> Models => _models;

    /// <summary>The model with this id, if indexed.</summary>
    public ModelDescriptor? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>
    /// The model whose primary file (or folder) is <paramref name="path"/>, e.g. what a worker reports it loaded; the
    /// dashboard's own copy when another machine has a file at the same path.
    /// </summary>
    public ModelDescriptor? FindByPath(string path) => _byPath.GetValueOrDefault(path);

    internal void Replace(IReadOnlyList<ModelDescriptor> models)
    {
        lock (_gate)
        {
            _local = models;
            Rebuild();
        }

        Changed?.Invoke();
    }

    /// <summary>Replaces the models on <paramref name="machine"/>'s own disk (empty: it has none, or it left).</summary>
    internal void ReplaceMachine(string machine, IReadOnlyList<ModelDescriptor> models)
    {
        lock (_gate)
        {
            var machines = new Dictionary<string, IReadOnlyList<ModelDescriptor>>(_machines, StringComparer.Ordinal);
            if (models.Count == 0)
            {
                machines.Remove(machine);
            }
            else
            {
                machines[machine] = models;
            }

            _machines = machines;
            Rebuild();
        }

        Changed?.Invoke();
    }

    private void Rebuild()
    {
        List<ModelDescriptor> models = [.. _local, .. _machines.OrderBy(m => m.Key, StringComparer.Ordinal).SelectMany(m => m.Value)];
        _byId = models.GroupBy(m => m.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        _byPath = models.GroupBy(m => m.PrimaryPath, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        _models = models;
    }
}
