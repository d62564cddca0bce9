using Workbench.Core.Gguf;

namespace Workbench.Core.Tests.Library;

/// <summary>Small real GGUF files for scanner tests.</summary>
internal static class GgufFixtures
{
    /// <summary>A llama-architecture GGUF with a file type, a chat template and two tensors (Q8_0 and F32).</summary>
    public static string WriteModel(string path, Action<GgufWriter>? customize = null)
    {
        var writer = BaseWriter();
        customize?.Invoke(writer);
        writer.AddTensor("blk.0.attn_q.weight", GgmlType.Q8_0, [64, 4], new byte[4 * 2 * 34]);
        writer.AddTensor("output_norm.weight", GgmlType.F32, [64], new byte[64 * 4]);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        writer.WriteTo(path);
        return path;
    }

    /// <summary>
    /// Writes the parts of a split model as llama.cpp's gguf-split does: every part has <c>split.no</c>, <c>split.count</c>
    /// and <c>split.tensors.count</c>; the metadata is in the first; each part holds <paramref name="tensorsPerPart"/> tensors.
    /// </summary>
    public static IReadOnlyList<string> WriteSplit(string folder, string baseName, int count, int tensorsPerPart = 2, Func<int, int>? statedCount = null)
    {
        Directory.CreateDirectory(folder);
        var paths = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var writer = i == 0 ? BaseWriter() : new GgufWriter();
            writer.AddMetadata(GgufKeys.SplitIndex, GgufValue.FromUInt16((ushort)i))
                .AddMetadata(GgufKeys.SplitCount, GgufValue.FromUInt16((ushort)(statedCount?.Invoke(i) ?? count)))
                .AddMetadata(GgufKeys.SplitTensorCount, GgufValue.FromInt32(count * tensorsPerPart));
            for (var t = 0; t < tensorsPerPart; t++)
            {
                writer.AddTensor($"blk.{i}.w{t}", GgmlType.F32, [16], new byte[16 * 4]);
            }

            var path = Path.Combine(folder, $"{baseName}-{i + 1:00000}-of-{count:00000}.gguf");
            writer.WriteTo(path);
            paths.Add(path);
        }

        return paths;
    }

    private static GgufWriter BaseWriter() => new GgufWriter()
        .AddMetadata(GgufKeys.Architecture, GgufValue.FromString("llama"))
        .AddMetadata(GgufKeys.Name, GgufValue.FromString("Tiny"))
        .AddMetadata(GgufKeys.FileType, GgufValue.FromUInt32(15))
        .AddMetadata("llama.block_count", GgufValue.FromUInt32(1))
        .AddMetadata("llama.embedding_length", GgufValue.FromUInt32(64))
        .AddMetadata("llama.attention.head_count", GgufValue.FromUInt32(4))
        .AddMetadata("llama.attention.head_count_kv", GgufValue.FromUInt32(2))
        .AddMetadata("llama.context_length", GgufValue.FromUInt32(4096))
        .AddMetadata("llama.feed_forward_length", GgufValue.FromUInt32(128))
        .AddMetadata("llama.attention.sliding_window", GgufValue.FromUInt32(1024))
        .AddMetadata(GgufKeys.ChatTemplate, GgufValue.FromString("{{ messages }}"));
}
