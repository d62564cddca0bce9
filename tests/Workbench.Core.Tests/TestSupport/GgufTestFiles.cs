using Workbench.Core.Gguf;

namespace Workbench.Core.Tests.TestSupport;

internal static class GgufTestFiles
{
    /// <summary>Writes <paramref name="writer"/> to memory and reads it back.</summary>
    public static GgufFile RoundTrip(GgufWriter writer)
    {
        using var stream = new MemoryStream();
        writer.WriteTo(stream);
        stream.Position = 0;
        return GgufReader.Read(stream);
    }

    public static byte[] ToBytes(GgufWriter writer)
    {
        using var stream = new MemoryStream();
        writer.WriteTo(stream);
        return stream.ToArray();
    }

    public static GgufFile Read(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        return GgufReader.Read(stream);
    }

    public static GgufFile Read(GgufBytes bytes) => Read(bytes.ToArray());

    /// <summary>A small valid file with metadata of several types and three tensors.</summary>
    public static GgufWriter SmallModel()
    {
        var writer = new GgufWriter()
            .AddMetadata(GgufKeys.Architecture, GgufValue.FromString("llama"))
            .AddMetadata("llama.block_count", GgufValue.FromUInt32(1))
            .AddMetadata(GgufKeys.Tokens, GgufValue.FromArray(["<unk>", "<s>", "</s>", "a", "b"]))
            .AddMetadata(GgufKeys.Scores, GgufValue.FromArray([0f, 0f, 0f, -1f, -2f]));
        writer.AddTensor("token_embd.weight", GgmlType.F32, [8, 5], new byte[8 * 5 * 4]);
        writer.AddTensor("blk.0.attn_q.weight", GgmlType.Q8_0, [32, 2], new byte[2 * 34]);
        writer.AddTensor("output_norm.weight", GgmlType.F32, [8], new byte[8 * 4]);
        return writer;
    }
}
