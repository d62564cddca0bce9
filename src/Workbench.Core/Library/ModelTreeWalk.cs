using System.Globalization;

namespace Workbench.Core.Library;

/// <summary>
/// One walk of <see cref="ModelFileScanner.FindCandidates(ModelStoreRoot, CancellationToken)"/>: depth-first over
/// folders, each real folder (symbolic links resolved) visited once, recognizing the store layouts it meets.
/// </summary>
internal sealed class ModelTreeWalk
{
    private const string HubRepositoryPrefix = "models--";
    private const int MaxLinkHops = 40;

    private static readonly EnumerationOptions ListOneFolder = new()
    {
        IgnoreInaccessible = true,
        RecurseSubdirectories = false,
        AttributesToSkip = 0,
        ReturnSpecialDirectories = false,
    };

    private static readonly StringComparer PathComparer =
        OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    private readonly ModelScanOptions _options;
    private readonly ModelSource _source;
    private readonly string _root;
    private readonly CancellationToken _cancellationToken;
    private readonly HashSet<string> _visited = new(PathComparer);
    private string? _rootReal;

    public ModelTreeWalk(ModelScanOptions options, ModelSource source, string root, CancellationToken cancellationToken)
    {
        _options = options;
        _source = source;
        _root = root;
        _cancellationToken = cancellationToken;
    }

    public IEnumerable<ModelCandidate> Run()
    {
        var start = new DirectoryInfo(_root);
        _rootReal = start.Exists ? RealPath(start.FullName) : null;
        return _rootReal is not null ? Tree(start, _source, recognizeStores: true) : [];
    }

    /// <summary>The usable files of a folder: not hidden, not being downloaded, not a link to nothing.</summary>
    internal static List<FileInfo> UsableFiles(DirectoryInfo folder) =>
        Usable(List(folder)?.OfType<FileInfo>().ToList() ?? []);

    private IEnumerable<ModelCandidate> Tree(DirectoryInfo start, ModelSource source, bool recognizeStores)
    {
        var stack = new Stack<(DirectoryInfo Folder, string? Real, int Depth)>();
        stack.Push((start, RealPath(start.FullName), 0));
        while (stack.Count > 0)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            var (folder, real, depth) = stack.Pop();
            if (real is null || !InsideRoot(real) || !_visited.Add(real) || List(folder) is not { } entries)
            {
                continue;
            }

            var folders = entries.OfType<DirectoryInfo>().Where(d => !ModelFileNames.IsHidden(d.Name)).ToList();
            if (recognizeStores && IsOllamaStore(folders))
            {
                foreach (var candidate in OllamaStore(folder))
                {
                    yield return candidate;
                }

                continue;
            }

            if (recognizeStores && IsHubRepository(folder, folders))
            {
                foreach (var candidate in HubRepository(folder))
                {
                    yield return candidate;
                }

                continue;
            }

            var files = Usable(entries.OfType<FileInfo>().Where(f => f.LinkTarget is null || InsideRoot(RealFilePath(f))).ToList());
            var isModelFolder = IsSafetensorsFolder(files);
            if (isModelFolder)
            {
                yield return FolderCandidate(folder, files, source);
            }

            foreach (var candidate in GgufCandidates(files, source))
            {
                yield return candidate;
            }

            // A model folder's subfolders hold other renderings of the same weights (onnx/, original/), not other models.
            if (isModelFolder || depth >= _options.MaxDepth)
            {
                continue;
            }

            foreach (var child in folders.OrderByDescending(d => d.Name, StringComparer.Ordinal))
            {
                stack.Push((child, ChildRealPath(child, real), depth + 1));
            }
        }
    }

    private static List<FileSystemInfo>? List(DirectoryInfo folder)
    {
        try
        {
            return folder.EnumerateFileSystemInfos("*", ListOneFolder).ToList();
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static List<FileInfo> Usable(List<FileInfo> files)
    {
        var names = files.Select(f => f.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return files
            .Where(f => !ModelFileNames.IsHidden(f.Name)
                && !ModelFileNames.IsPartialDownload(f.Name)
                && !HasDownloadMarker(f.Name, names)
                && RegularFile.Is(f.FullName)
                && FileFingerprint.Of(f) is not null)
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Downloaders that write in place leave a control file beside the file ("x.gguf.aria2", "x.gguf.part").</summary>
    private static bool HasDownloadMarker(string name, HashSet<string> names) =>
        ModelFileNames.PartialDownloadSuffixes.Any(suffix => names.Contains(name + suffix));

    private static bool IsSafetensorsFolder(List<FileInfo> files) =>
        files.Any(f => f.Name.Equals(Formats.HuggingFaceConfig.FileName, StringComparison.OrdinalIgnoreCase))
        && files.Any(f => ModelFileNames.IsSafetensors(f.Name)
            || f.Name.Equals(Formats.SafetensorsIndex.DefaultFileName, StringComparison.OrdinalIgnoreCase));

    private ModelCandidate FolderCandidate(DirectoryInfo folder, List<FileInfo> files, ModelSource source) =>
        new()
        {
            Kind = ModelCandidateKind.SafetensorsFolder,
            Name = folder.Name,
            PrimaryPath = Path.TrimEndingDirectorySeparator(folder.FullName),
            Files = files.Select(FileFingerprint.Of).OfType<FileFingerprint>().ToList(),
            Source = source,
            SourceRoot = _root,
        };

    private IEnumerable<ModelCandidate> GgufCandidates(List<FileInfo> files, ModelSource source)
    {
        var splitSets = new Dictionary<(string Base, int Count), List<(int Number, FileInfo File)>>();
        var results = new List<ModelCandidate>();
        foreach (var file in files)
        {
            if (!ModelFileNames.IsGguf(file.Name) || ModelFileNames.IsProjector(file.Name))
            {
                continue;
            }

            if (ModelFileNames.TryParseSplitPart(file.Name, out var baseName, out var number, out var count) && count > 1)
            {
                var key = (baseName, count);
                if (!splitSets.TryGetValue(key, out var parts))
                {
                    splitSets[key] = parts = [];
                }

                parts.Add((number, file));
                continue;
            }

            results.Add(new ModelCandidate
            {
                Kind = ModelCandidateKind.GgufFile,
                Name = ModelFileNames.Stem(file.Name),
                PrimaryPath = file.FullName,
                Files = [FileFingerprint.Of(file)!],
                Source = source,
                SourceRoot = _root,
            });
        }

        foreach (var ((baseName, count), parts) in splitSets)
        {
            var ordered = parts.OrderBy(p => p.Number).ToList();
            var folder = ordered[0].File.DirectoryName!;
            results.Add(new ModelCandidate
            {
                Kind = ModelCandidateKind.GgufSplitSet,
                Name = baseName,
                PrimaryPath = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"{baseName}-00001-of-{count:D5}.gguf")),
                Files = ordered.Select(p => FileFingerprint.Of(p.File)).OfType<FileFingerprint>().ToList(),
                Source = source,
                SourceRoot = _root,
                ExpectedPartCount = count,
            });
        }

        return results.OrderBy(c => c.Name, StringComparer.Ordinal);
    }

    private static bool IsOllamaStore(List<DirectoryInfo> folders) =>
        folders.Any(d => d.Name == "manifests") && folders.Any(d => d.Name == "blobs");

    private static bool IsHubRepository(DirectoryInfo folder, List<DirectoryInfo> folders) =>
        folder.Name.StartsWith(HubRepositoryPrefix, StringComparison.Ordinal)
        && folder.Name.Length > HubRepositoryPrefix.Length
        && folders.Any(d => d.Name == "snapshots");

    /// <summary>
    /// Ollama: every file under <c>manifests/&lt;host&gt;/&lt;namespace&gt;/&lt;model&gt;/&lt;tag&gt;</c> is one model.
    /// The manifest is read later, by <see cref="ModelFileScanner.Describe"/>; its blobs are content-addressed, so the
    /// manifest's own fingerprint changes whenever the model does.
    /// </summary>
    private IEnumerable<ModelCandidate> OllamaStore(DirectoryInfo store)
    {
        var manifests = new DirectoryInfo(Path.Combine(store.FullName, "manifests"));
        var options = new EnumerationOptions
        {
            IgnoreInaccessible = true,
            RecurseSubdirectories = true,
            MaxRecursionDepth = Math.Min(_options.MaxDepth, 6),
        };
        List<FileInfo> files;
        try
        {
            files = manifests.EnumerateFiles("*", options).OrderBy(f => f.FullName, StringComparer.Ordinal).ToList();
        }
        catch (IOException)
        {
            yield break;
        }
        catch (UnauthorizedAccessException)
        {
            yield break;
        }

        foreach (var file in files)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            if (ModelFileNames.IsHidden(file.Name) || ModelFileNames.IsPartialDownload(file.Name) || FileFingerprint.Of(file) is not { } fingerprint)
            {
                continue;
            }

            var parts = Path.GetRelativePath(manifests.FullName, file.FullName)
                .Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
            var name = OllamaModelName(parts);
            yield return new ModelCandidate
            {
                Kind = ModelCandidateKind.OllamaManifest,
                Name = name,
                PrimaryPath = file.FullName,
                Files = [fingerprint],
                Source = ModelSource.Ollama,
                SourceRoot = _root,
                OllamaName = name,
                StoreDirectory = Path.TrimEndingDirectorySeparator(store.FullName),
            };
        }
    }

    /// <summary>
    /// The name Ollama shows: "llama3:8b" for registry.ollama.ai/library/llama3/8b, "user/model:tag" for another
    /// namespace of the default registry, "host/namespace/model:tag" for other registries (e.g. hf.co).
    /// </summary>
    internal static string OllamaModelName(IReadOnlyList<string> parts)
    {
        if (parts.Count < 2)
        {
            return string.Join('/', parts);
        }

        var model = $"{parts[^2]}:{parts[^1]}";
        var prefix = parts.Take(parts.Count - 2).ToList();
        if (prefix.Count > 0 && prefix[0] == "registry.ollama.ai")
        {
            prefix.RemoveAt(0);
            if (prefix is ["library"])
            {
                prefix.Clear();
            }
        }

        return prefix.Count == 0 ? model : $"{string.Join('/', prefix)}/{model}";
    }

    /// <summary>
    /// Hugging Face cache repository <c>models--org--name</c>: the snapshot <c>refs/main</c> points to (else the newest)
    /// is scanned like a model root. Its models are named "org/name", or "org/name/&lt;file&gt;" when the snapshot holds
    /// several (a GGUF repository with one file per quantization).
    /// </summary>
    private IEnumerable<ModelCandidate> HubRepository(DirectoryInfo repository)
    {
        var repositoryName = repository.Name[HubRepositoryPrefix.Length..].Replace("--", "/", StringComparison.Ordinal);
        if (PickSnapshot(repository) is not { } snapshot)
        {
            yield break;
        }

        var found = Tree(snapshot, ModelSource.HuggingFaceCache, recognizeStores: false).ToList();
        var snapshotPath = Path.TrimEndingDirectorySeparator(snapshot.FullName);
        foreach (var candidate in found)
        {
            var atSnapshotRoot = PathComparer.Equals(candidate.PrimaryPath, snapshotPath);
            yield return candidate with
            {
                Name = found.Count == 1 || atSnapshotRoot ? repositoryName : $"{repositoryName}/{candidate.Name}",
                IdentityPath = Path.TrimEndingDirectorySeparator(
                    Path.Combine(repository.FullName, Path.GetRelativePath(snapshotPath, candidate.PrimaryPath))),
            };
        }
    }

    private static DirectoryInfo? PickSnapshot(DirectoryInfo repository)
    {
        var snapshots = new DirectoryInfo(Path.Combine(repository.FullName, "snapshots"));
        var main = Path.Combine(repository.FullName, "refs", "main");
        try
        {
            if (File.Exists(main) && new FileInfo(main).Length <= 256)
            {
                var revision = File.ReadAllText(main).Trim();
                if (revision.Length > 0 && revision.IndexOfAny(['/', '\\', ':', '.']) < 0)
                {
                    var pointed = new DirectoryInfo(Path.Combine(snapshots.FullName, revision));
                    if (pointed.Exists)
                    {
                        return pointed;
                    }
                }
            }

            return snapshots.EnumerateDirectories("*", ListOneFolder)
                .OrderByDescending(d => d.LastWriteTimeUtc)
                .ThenBy(d => d.Name, StringComparer.Ordinal)
                .FirstOrDefault();
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? ChildRealPath(DirectoryInfo child, string parentReal)
    {
        try
        {
            return child.LinkTarget is null ? Path.Combine(parentReal, child.Name) : RealPath(child.FullName);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Whether a real path is the root or below it (always true when links out of the root may be followed).</summary>
    private bool InsideRoot(string? real)
    {
        if (_options.FollowLinksOutsideRoot)
        {
            return real is not null;
        }

        if (real is null || _rootReal is null)
        {
            return false;
        }

        var comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return real.Equals(_rootReal, comparison)
            || real.StartsWith(Path.TrimEndingDirectorySeparator(_rootReal) + Path.DirectorySeparatorChar, comparison);
    }

    /// <summary>Where a linked file really is: its final target, with the links of its folder resolved too.</summary>
    private static string? RealFilePath(FileInfo file)
    {
        try
        {
            var target = file.ResolveLinkTarget(returnFinalTarget: true);
            return target?.FullName is { } full && Path.GetDirectoryName(full) is { } folder && RealPath(folder) is { } realFolder
                ? Path.Combine(realFolder, Path.GetFileName(full))
                : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The path with every symbolic link along it resolved; null when a link leads nowhere or links loop.</summary>
    private static string? RealPath(string fullPath)
    {
        try
        {
            var hops = 0;
            return Resolve(Path.GetFullPath(fullPath), ref hops);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? Resolve(string fullPath, ref int hops)
    {
        var root = Path.GetPathRoot(fullPath) ?? string.Empty;
        var current = root;
        var segments = fullPath[root.Length..].Split(
            [Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
        foreach (var segment in segments)
        {
            var next = Path.Combine(current, segment);
            var info = new DirectoryInfo(next);
            if (info.LinkTarget is { } target)
            {
                if (++hops > MaxLinkHops)
                {
                    return null;
                }

                var absolute = Path.GetFullPath(target, current);
                next = Resolve(absolute, ref hops) ?? string.Empty;
                if (next.Length == 0)
                {
                    return null;
                }
            }

            current = next;
        }

        return Path.TrimEndingDirectorySeparator(current);
    }
}
