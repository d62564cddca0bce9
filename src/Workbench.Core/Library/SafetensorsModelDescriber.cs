using Workbench.Core.Formats;

namespace Workbench.Core.Library;

/// <summary>Describes a Hugging Face model folder: config.json, safetensors weights (sharded or not), side files.</summary>
internal static class SafetensorsModelDescriber
{
    public static ModelDescriptor Describe(ModelCandidate candidate)
    {
        var folder = candidate.PrimaryPath;
        var config = HuggingFaceConfig.ReadFile(Path.Combine(folder, HuggingFaceConfig.FileName));
        var shards = ShardPaths(folder, out var index);
        var headers = shards.Select(SafetensorsHeaderReader.ReadFile).ToList();
        if (index is not null)
        {
            CheckIndex(index, shards, headers);
        }

        var tensors = headers.SelectMany(h => h.Tensors).ToList();
        var quantization = QuantizationConfig.Find(folder, config);
        var classification = QuantizationClassifier.Classify(quantization, tensors, config.TorchDtype);
        var (files, bytes) = GgufModelDescriber.Measure(ModelTreeWalk.UsableFiles(new DirectoryInfo(folder)).Select(f => f.FullName));
        return new ModelDescriptor
        {
            Id = candidate.Id,
            Name = candidate.Name,
            Format = ModelFormats.ForSafetensors(classification.Method),
            QuantLabel = classification.Label,
            BitsPerWeight = classification.BitsPerWeight,
            FileBytes = bytes,
            ParameterCount = classification.ParameterCount,
            Architecture = ModelArchitecture.FromHuggingFace(config),
            ChatTemplate = ChatTemplateFiles.Read(folder),
            PrimaryPath = folder,
            Files = files,
            Source = candidate.Source,
            SourceRoot = candidate.SourceRoot,
            Tensors = tensors.Select(t => new TensorSummary(t.Name, t.DType.Name, t.ElementCount, t.ByteSize)).ToList(),
            Fingerprint = candidate.Fingerprint,
        };
    }

    /// <summary>The shards the index lists (all must exist), else every usable *.safetensors file in the folder.</summary>
    private static List<string> ShardPaths(string folder, out SafetensorsIndex? index)
    {
        var indexPath = Path.Combine(folder, SafetensorsIndex.DefaultFileName);
        if (File.Exists(indexPath))
        {
            index = SafetensorsIndex.ReadFile(indexPath);
            var paths = index.ShardFileNames.Select(n => Path.Combine(folder, n)).ToList();
            // A Hugging Face cache link whose blob is still downloading exists but leads nowhere: that counts as missing.
            var missing = paths.Where(p => FileFingerprint.Of(new FileInfo(p)) is null).Select(Path.GetFileName).ToList();
            if (missing.Count > 0)
            {
                throw new ModelFormatException(
                    $"{SafetensorsIndex.DefaultFileName} lists {paths.Count} shards; {missing.Count} missing (download incomplete?): {string.Join(", ", missing)}");
            }

            return paths;
        }

        index = null;
        var shards = ModelTreeWalk.UsableFiles(new DirectoryInfo(folder))
            .Where(f => ModelFileNames.IsSafetensors(f.Name))
            .Select(f => f.FullName)
            .ToList();
        return shards.Count > 0
            ? shards
            : throw new ModelFormatException($"{Path.GetFileName(folder)}: config.json but no safetensors weights");
    }

    /// <summary>Every tensor the index lists must be in the shard it names.</summary>
    private static void CheckIndex(SafetensorsIndex index, List<string> shards, List<SafetensorsHeader> headers)
    {
        var byShard = new Dictionary<string, SafetensorsHeader>(StringComparer.Ordinal);
        for (var i = 0; i < shards.Count; i++)
        {
            byShard[Path.GetFileName(shards[i])] = headers[i];
        }

        foreach (var (tensor, shard) in index.WeightMap)
        {
            if (byShard[shard].FindTensor(tensor) is null)
            {
                throw new ModelFormatException($"{SafetensorsIndex.DefaultFileName}: tensor '{tensor}' is listed in {shard}, which does not hold it");
            }
        }
    }
}
