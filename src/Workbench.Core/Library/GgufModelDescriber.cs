using Workbench.Core.Formats;
using Workbench.Core.Gguf;

namespace Workbench.Core.Library;

/// <summary>Describes GGUF models: single files, split sets and Ollama manifests (whose weights are a GGUF blob).</summary>
internal static class GgufModelDescriber
{
    public static ModelDescriptor Describe(ModelCandidate candidate)
    {
        var paths = candidate.Files.Select(f => f.Path).ToList();
        if (paths.Count == 0)
        {
            throw new ModelFormatException($"{candidate.Name}: no files");
        }

        var headers = new List<GgufFile>();
        if (candidate.Kind == ModelCandidateKind.GgufSplitSet)
        {
            var expected = candidate.ExpectedPartCount ?? paths.Count;
            CheckAllPartsPresent(candidate.Name, paths, expected);
            headers.AddRange(paths.Select(Read));
            CheckSplitHeaders(paths, headers, expected);
        }
        else
        {
            var header = Read(paths[0]);
            if (header.Facts.SplitCount is > 1 and var count)
            {
                throw new ModelFormatException(
                    $"{Path.GetFileName(paths[0])}: the file is part {(header.Facts.SplitIndex ?? 0) + 1} of a model split into {count} files, "
                    + "but its name does not follow the '<name>-00001-of-0000N.gguf' pattern, so the other parts cannot be found");
            }

            headers.Add(header);
        }

        return FromHeaders(candidate, paths, headers);
    }

    /// <summary>Ollama: the manifest's model layer is a GGUF blob; every layer blob is a file of the model.</summary>
    public static ModelDescriptor DescribeOllama(ModelCandidate candidate)
    {
        var manifest = OllamaManifest.ReadFile(candidate.PrimaryPath);
        var store = candidate.StoreDirectory
            ?? throw new ModelFormatException($"Ollama model {candidate.Name}: the store folder is not known");
        var blobs = Path.Combine(store, "blobs");
        var layer = manifest.ModelLayer
            ?? throw new ModelFormatException($"Ollama model {candidate.Name}: the manifest has no layer of type {OllamaManifest.ModelMediaType}");
        var modelBlob = Path.Combine(blobs, layer.BlobFileName);
        if (!File.Exists(modelBlob))
        {
            throw new ModelFormatException($"Ollama model {candidate.Name}: its weights blob {layer.BlobFileName} is missing (pull not finished?)");
        }

        var descriptor = FromHeaders(candidate, [modelBlob], [Read(modelBlob)]);
        var files = new List<string> { candidate.PrimaryPath };
        var layers = manifest.Config is { } config ? manifest.Layers.Append(config) : manifest.Layers;
        foreach (var blob in layers.Select(l => Path.Combine(blobs, l.BlobFileName)).Distinct(StringComparer.Ordinal))
        {
            if (File.Exists(blob))
            {
                files.Add(blob);
            }
        }

        var (measured, bytes) = Measure(files);
        return descriptor with { Files = measured, FileBytes = bytes };
    }

    /// <summary>Reads a GGUF header, naming the file in the error.</summary>
    public static GgufFile Read(string path)
    {
        try
        {
            return GgufReader.ReadFile(path);
        }
        catch (GgufFormatException e)
        {
            throw new ModelFormatException($"{Path.GetFileName(path)}: {e.Message}", e);
        }
    }

    /// <summary>Paths that exist, and the sum of their lengths (links followed).</summary>
    public static (List<string> Files, long Bytes) Measure(IEnumerable<string> paths)
    {
        var files = new List<string>();
        long bytes = 0;
        foreach (var path in paths)
        {
            if (FileFingerprint.Of(new FileInfo(path)) is { } fingerprint)
            {
                files.Add(path);
                bytes += fingerprint.Length;
            }
        }

        return (files, bytes);
    }

    private static void CheckAllPartsPresent(string name, List<string> paths, int expected)
    {
        var present = new HashSet<int>();
        foreach (var path in paths)
        {
            if (ModelFileNames.TryParseSplitPart(Path.GetFileName(path), out _, out var number, out _))
            {
                present.Add(number);
            }
        }

        var missing = Enumerable.Range(1, expected).Where(n => !present.Contains(n)).ToList();
        if (missing.Count > 0)
        {
            throw new ModelFormatException(
                $"split model '{name}' has {expected - missing.Count} of its {expected} parts; missing part{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)}");
        }
    }

    /// <summary>Each part must say it is part i of N (<c>split.no</c>, <c>split.count</c>), as its file name does.</summary>
    private static void CheckSplitHeaders(List<string> paths, List<GgufFile> headers, int expected)
    {
        for (var i = 0; i < headers.Count; i++)
        {
            var facts = headers[i].Facts;
            var file = Path.GetFileName(paths[i]);
            if (facts.SplitCount is not { } count)
            {
                throw new ModelFormatException($"{file}: the name says part {i + 1} of {expected}, but the header has no {GgufKeys.SplitCount}");
            }

            if (count != expected)
            {
                throw new ModelFormatException($"{file}: {GgufKeys.SplitCount} is {count}, but the file name says {expected} parts");
            }

            if (facts.SplitIndex is { } index && index != i)
            {
                throw new ModelFormatException($"{file}: {GgufKeys.SplitIndex} is {index}, but the file name says part {i + 1} (split.no {i})");
            }
        }

        var total = headers.Sum(h => (long)h.Tensors.Count);
        if (headers[0].Facts.SplitTensorCount is { } stated && stated != total)
        {
            throw new ModelFormatException(
                $"{Path.GetFileName(paths[0])}: {GgufKeys.SplitTensorCount} is {stated}, but the {headers.Count} parts hold {total} tensors");
        }
    }

    private static ModelDescriptor FromHeaders(ModelCandidate candidate, List<string> paths, List<GgufFile> headers)
    {
        var first = headers[0];
        var tensors = headers
            .SelectMany(h => h.Tensors)
            .Select(t => new TensorSummary(t.Name, t.Type.ToString(), t.ElementCount, t.ByteSize))
            .ToList();
        var parameters = tensors.Sum(t => t.ElementCount);
        var tensorBytes = tensors.Sum(t => t.ByteSize);
        var (files, fileBytes) = Measure(paths);
        return new ModelDescriptor
        {
            Id = candidate.Id,
            Name = candidate.Name,
            Format = ModelFormat.Gguf,
            QuantLabel = first.Facts.FileTypeName ?? DominantType(tensors),
            BitsPerWeight = parameters > 0 ? tensorBytes * 8.0 / parameters : null,
            FileBytes = fileBytes,
            ParameterCount = parameters,
            Architecture = ModelArchitecture.FromGguf(first),
            ChatTemplate = first.Facts.ChatTemplate,
            PrimaryPath = paths[0],
            Files = files,
            Source = candidate.Source,
            SourceRoot = candidate.SourceRoot,
            OllamaName = candidate.OllamaName,
            Tensors = tensors,
            Fingerprint = candidate.Fingerprint,
        };
    }

    /// <summary>Without <c>general.file_type</c>: the tensor type holding the most bytes ("Q4_K").</summary>
    private static string? DominantType(List<TensorSummary> tensors) =>
        tensors
            .GroupBy(t => t.DType, StringComparer.Ordinal)
            .OrderByDescending(g => g.Sum(t => t.ByteSize))
            .Select(g => g.Key)
            .FirstOrDefault();
}
