using Workbench.Core.Library;

namespace Workbench.Web.Api.Compat;

/// <summary>
/// API names for the library's GGUF models, unique among them: the Ollama name or library name, and where several
/// files share one (the same <c>model.gguf</c> in two folders), that name prefixed with as many of the file's
/// parent folders as tell them apart (<c>work/model</c>, <c>home/model</c>). Stable while the files stay where they are.
/// </summary>
public static class ServableModelNames
{
    private const int MaxFolderDepth = 4;

    /// <summary>The servable models of <paramref name="descriptors"/>, ordered by name.</summary>
    public static IReadOnlyList<ServableModel> Assign(IEnumerable<ModelDescriptor> descriptors)
    {
        ArgumentNullException.ThrowIfNull(descriptors);
        var models = new List<ServableModel>();
        foreach (var group in descriptors.GroupBy(BaseName, StringComparer.OrdinalIgnoreCase))
        {
            var members = group.ToList();
            if (members.Count == 1)
            {
                models.Add(new ServableModel(group.Key, members[0]));
                continue;
            }

            models.AddRange(Qualified(members));
        }

        return [.. models.OrderBy(m => m.Name, StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>The name a model has when no other file shares it.</summary>
    public static string BaseName(ModelDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        return descriptor.OllamaName ?? descriptor.Name;
    }

    // The fewest parent folders that make every name of the group different; the library id when folders cannot.
    private static IEnumerable<ServableModel> Qualified(List<ModelDescriptor> members)
    {
        for (var depth = 1; depth <= MaxFolderDepth; depth++)
        {
            var names = members.Select(m => Folders(m.PrimaryPath, depth) + "/" + BaseName(m)).ToList();
            if (names.Distinct(StringComparer.OrdinalIgnoreCase).Count() == names.Count)
            {
                return members.Select((m, i) => new ServableModel(names[i], m));
            }
        }

        return members.Select(m => new ServableModel($"{m.Id}/{BaseName(m)}", m));
    }

    private static string Folders(string path, int depth)
    {
        var parts = (Path.GetDirectoryName(path) ?? string.Empty).Split(['/', '\\'], StringSplitOptions.RemoveEmptyEntries);
        return string.Join('/', parts.TakeLast(depth));
    }
}
