using Workbench.Core.DemoModel;
using Workbench.Core.Gguf;

namespace Workbench.Core.Tests.TestSupport;

/// <summary>Model files for the local hub: demo models big enough that a header is a small part of them, and split sets.</summary>
internal static class HubModelFixtures
{
    /// <summary>≈ 10 MB: n_embd 256, 4 layers, a 4,300-token vocabulary; the header is about 100 KB of it.</summary>
    public static DemoModelOptions Medium { get; } = new()
    {
        EmbeddingLength = 256,
        LayerCount = 4,
        HeadCount = 4,
        HeadCountKv = 2,
        FeedForwardLength = 512,
        ContextLength = 4096,
        ExtraVocabularyPieces = 4000,
    };

    /// <summary>Writes a demo model (F16 or F32 weights) to <paramref name="path"/>.</summary>
    public static string WriteModel(string path, GgmlType weights = GgmlType.F16, string? name = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        DemoModelGenerator.Write(path, Medium with { WeightType = weights, Name = name ?? Medium.Name });
        return path;
    }

    /// <summary>
    /// Splits a GGUF file as llama.cpp's gguf-split does: the metadata in the first part, every part with
    /// <c>split.no</c>, <c>split.count</c> and <c>split.tensors.count</c>, the tensors in order over the parts.
    /// </summary>
    public static IReadOnlyList<string> Split(string sourcePath, string folder, string baseName, int parts)
    {
        var source = GgufReader.ReadFile(sourcePath);
        Directory.CreateDirectory(folder);
        var perPart = (source.Tensors.Count + parts - 1) / parts;
        var paths = new List<string>();
        for (var i = 0; i < parts; i++)
        {
            var writer = new GgufWriter(source.Alignment);
            if (i == 0)
            {
                foreach (var (key, value) in source.Metadata.Where(m => m.Key != GgufKeys.Alignment))
                {
                    writer.AddMetadata(key, value);
                }
            }

            writer.AddMetadata(GgufKeys.SplitIndex, GgufValue.FromUInt16((ushort)i))
                .AddMetadata(GgufKeys.SplitCount, GgufValue.FromUInt16((ushort)parts))
                .AddMetadata(GgufKeys.SplitTensorCount, GgufValue.FromInt32(source.Tensors.Count));
            foreach (var tensor in source.Tensors.Skip(i * perPart).Take(perPart))
            {
                var offset = source.GetTensorFileOffset(tensor);
                writer.AddTensor(tensor.Name, tensor.Type, tensor.Dimensions.ToArray(), output =>
                {
                    using var input = File.OpenRead(sourcePath);
                    input.Position = offset;
                    var buffer = new byte[tensor.ByteSize];
                    input.ReadExactly(buffer);
                    output.Write(buffer);
                });
            }

            var path = Path.Combine(folder, $"{baseName}-{i + 1:00000}-of-{parts:00000}.gguf");
            writer.WriteTo(path);
            paths.Add(path);
        }

        return paths;
    }
}
