using Workbench.Core.Formats;
using Workbench.Core.Library;

namespace Workbench.Core.Hub;

/// <summary>What a set of a repository's files is, as the library would see it once downloaded.</summary>
public enum HubFileSetKind
{
    /// <summary>One GGUF file.</summary>
    Gguf,

    /// <summary>The parts of a split GGUF (<c>name-00001-of-0000N.gguf</c>), one model.</summary>
    GgufSplit,

    /// <summary>A vision projector (<c>mmproj*.gguf</c>), loaded beside a model, not on its own.</summary>
    Projector,

    /// <summary>config.json with safetensors weights (FP16/BF16, GPTQ, AWQ, EXL2 …): the whole folder is the model.</summary>
    SafetensorsFolder,
}

/// <summary>
/// One row of a repository: a GGUF file, a split set, or the safetensors folder at the revision.
/// </summary>
/// <param name="Name">The file name, the split set's base name, or the repository for a folder.</param>
/// <param name="Kind">What it is.</param>
/// <param name="Files">The files a download takes, in order (split parts by number).</param>
/// <param name="Problem">Why it cannot be read as a model (a split part missing), or null.</param>
public sealed record HubFileSet(string Name, HubFileSetKind Kind, IReadOnlyList<HubTreeEntry> Files, string? Problem = null)
{
    /// <summary>Bytes to download.</summary>
    public long TotalBytes => Files.Sum(f => f.Size);

    /// <summary>
    /// Groups a revision's files the way the library scanner groups local ones: each GGUF file, each complete split
    /// set, and (when the root holds config.json and safetensors weights) the root folder's files as one model.
    /// </summary>
    public static IReadOnlyList<HubFileSet> Group(IReadOnlyList<HubTreeEntry> files, string repoName)
    {
        ArgumentNullException.ThrowIfNull(files);
        var sets = new List<HubFileSet>();
        var splits = new Dictionary<(string Base, int Count), List<(int Part, HubTreeEntry File)>>();
        foreach (var file in files.Where(f => f.IsFile && ModelFileNames.IsGguf(f.Path)).OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            var name = FileName(file.Path);
            if (ModelFileNames.IsProjector(name))
            {
                sets.Add(new HubFileSet(file.Path, HubFileSetKind.Projector, [file]));
            }
            else if (ModelFileNames.TryParseSplitPart(name, out var baseName, out var part, out var count))
            {
                var key = (Directory(file.Path) + baseName, count);
                if (!splits.TryGetValue(key, out var parts))
                {
                    splits[key] = parts = [];
                }

                parts.Add((part, file));
            }
            else
            {
                sets.Add(new HubFileSet(file.Path, HubFileSetKind.Gguf, [file]));
            }
        }

        foreach (var ((baseName, count), parts) in splits)
        {
            var ordered = parts.OrderBy(p => p.Part).Select(p => p.File).ToList();
            var missing = Enumerable.Range(1, count).Except(parts.Select(p => p.Part)).ToList();
            sets.Add(new HubFileSet(baseName, HubFileSetKind.GgufSplit, ordered,
                missing.Count == 0 ? null : $"{missing.Count} of the {count} parts are not in the repository (part {string.Join(", ", missing)})."));
        }

        var root = files.Where(f => f.IsFile && !f.Path.Contains('/', StringComparison.Ordinal)).ToList();
        if (root.Any(f => f.Path == HuggingFaceConfig.FileName) && root.Any(f => ModelFileNames.IsSafetensors(f.Path)))
        {
            sets.Add(new HubFileSet(repoName, HubFileSetKind.SafetensorsFolder,
                [.. root.Where(f => !ModelFileNames.IsGguf(f.Path)).OrderBy(f => f.Path, StringComparer.Ordinal)]));
        }

        return [.. sets.OrderBy(s => s.Kind == HubFileSetKind.Projector).ThenBy(s => s.Name, StringComparer.Ordinal)];
    }

    private static string FileName(string path) => path[(path.LastIndexOf('/') + 1)..];

    private static string Directory(string path) => path[..(path.LastIndexOf('/') + 1)];
}
