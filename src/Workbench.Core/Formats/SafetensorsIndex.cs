using System.Collections.ObjectModel;
using System.Text.Json;

namespace Workbench.Core.Formats;

/// <summary>
/// The index of a sharded safetensors model (<c>model.safetensors.index.json</c>): <c>weight_map</c> maps each tensor
/// name to the shard file that holds it; <c>metadata.total_size</c> is the sum of the tensor bytes.
/// </summary>
public sealed class SafetensorsIndex
{
    /// <summary>The file name Hugging Face uses for the index of a sharded model.</summary>
    public const string DefaultFileName = "model.safetensors.index.json";

    private SafetensorsIndex(Dictionary<string, string> weightMap, List<string> shards, long? totalSize)
    {
        WeightMap = new ReadOnlyDictionary<string, string>(weightMap);
        ShardFileNames = shards.AsReadOnly();
        TotalSize = totalSize;
    }

    /// <summary>Tensor name → shard file name (a plain file name in the model folder).</summary>
    public IReadOnlyDictionary<string, string> WeightMap { get; }

    /// <summary>The distinct shard file names, sorted ordinally (so "-00001-of-" comes first).</summary>
    public IReadOnlyList<string> ShardFileNames { get; }

    /// <summary><c>metadata.total_size</c> when the index states it.</summary>
    public long? TotalSize { get; }

    /// <summary>Reads the index file at <paramref name="path"/>.</summary>
    /// <exception cref="ModelFormatException">The file is not a well-formed index.</exception>
    public static SafetensorsIndex ReadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var document = JsonFiles.ReadObject(path);
        return From(document.RootElement, Path.GetFileName(path));
    }

    /// <summary>Parses index JSON.</summary>
    /// <exception cref="ModelFormatException">The text is not a well-formed index.</exception>
    public static SafetensorsIndex Parse(string json, string name = DefaultFileName)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = JsonFiles.ParseObject(System.Text.Encoding.UTF8.GetBytes(json), name);
        return From(document.RootElement, name);
    }

    private static SafetensorsIndex From(JsonElement root, string name)
    {
        if (JsonFiles.GetObject(root, "weight_map") is not { } map)
        {
            throw new ModelFormatException($"{name}: no \"weight_map\" object");
        }

        var weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
        var shards = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var entry in map.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
            {
                throw new ModelFormatException($"{name}: weight_map entry '{entry.Name}' must be a file name, not {JsonFiles.Describe(entry.Value.ValueKind)}");
            }

            var shard = entry.Value.GetString()!;
            if (!IsPlainFileName(shard))
            {
                throw new ModelFormatException($"{name}: weight_map entry '{entry.Name}' names '{shard}', which is not a file name in the model folder");
            }

            if (!weightMap.TryAdd(entry.Name, shard))
            {
                throw new ModelFormatException($"{name}: weight_map lists tensor '{entry.Name}' twice");
            }

            shards.Add(shard);
        }

        if (shards.Count == 0)
        {
            throw new ModelFormatException($"{name}: weight_map is empty");
        }

        long? totalSize = JsonFiles.GetObject(root, "metadata") is { } metadata ? JsonFiles.GetInt64(metadata, "total_size") : null;
        return new SafetensorsIndex(weightMap, [.. shards], totalSize is >= 0 ? totalSize : null);
    }

    /// <summary>A name that stays inside the folder: no separators, no "..", nothing rooted.</summary>
    private static bool IsPlainFileName(string name) =>
        name.Length > 0
        && name is not "." and not ".."
        && name.IndexOfAny(['/', '\\', ':', '\0']) < 0;
}
