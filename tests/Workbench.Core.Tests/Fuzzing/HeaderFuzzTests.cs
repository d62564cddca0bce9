using System.Diagnostics;
using Workbench.Core.DemoModel;
using Workbench.Core.Formats;
using Workbench.Core.Gguf;
using Workbench.Core.Tests.Formats;

namespace Workbench.Core.Tests.Fuzzing;

/// <summary>
/// Thousands of mutated GGUF and safetensors headers (fixed seeds, so a failure reproduces): every one is
/// either read or refused with the format's own exception and a message; none crashes, hangs or allocates
/// far beyond the file's size.
/// </summary>
public sealed class HeaderFuzzTests
{
    private const int Iterations = 10_000;
    private static readonly TimeSpan SlowestAllowedParse = TimeSpan.FromSeconds(1);

    [Fact]
    public void Mutated_gguf_headers_are_read_or_refused_with_a_format_error()
    {
        var original = TinyGguf(out var headerLength);

        var outcome = Fuzz(original, headerLength, seed: 20261128, bytes =>
        {
            using var stream = new MemoryStream(bytes, writable: false);
            _ = GgufReader.Read(stream);
        }, e => e is GgufFormatException);

        Assert.True(outcome.Refused > Iterations / 2, $"only {outcome.Refused} of {Iterations} mutations were refused: the mutations miss the header");
    }

    [Fact]
    public void Mutated_safetensors_headers_are_read_or_refused_with_a_format_error()
    {
        var original = new SafetensorsTestWriter()
            .Add("model.embed_tokens.weight", "BF16", 16, 8)
            .Add("model.layers.0.self_attn.q_proj.qweight", "I32", 1, 8)
            .Add("model.layers.0.self_attn.q_proj.scales", "F16", 1, 8)
            .Metadata("format", "pt")
            .ToBytes();
        var headerLength = 8 + (int)BitConverter.ToUInt64(original, 0);

        var outcome = Fuzz(original, headerLength, seed: 1128, bytes =>
        {
            using var stream = new MemoryStream(bytes, writable: false);
            _ = SafetensorsHeaderReader.Read(stream, "fuzz.safetensors");
        }, e => e is ModelFormatException);

        Assert.True(outcome.Refused > Iterations / 2, $"only {outcome.Refused} of {Iterations} mutations were refused");
    }

    private static (int Read, int Refused) Fuzz(byte[] original, int mutableLength, int seed, Action<byte[]> parse, Func<Exception, bool> isFormatError)
    {
        var mutator = new ByteMutator(seed, mutableLength);
        var (read, refused) = (0, 0);
        for (var i = 0; i < Iterations; i++)
        {
            var bytes = mutator.Mutate(original);
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            try
            {
                parse(bytes);
                read++;
            }
            catch (Exception e) when (isFormatError(e))
            {
                Assert.False(string.IsNullOrWhiteSpace(e.Message), $"seed {seed}, iteration {i}: a refusal without a message");
                refused++;
            }
            catch (Exception e)
            {
                Assert.Fail($"seed {seed}, iteration {i}: {e.GetType().Name} escaped instead of a format error: {e.Message}");
            }

            Assert.True(clock.Elapsed < SlowestAllowedParse, $"seed {seed}, iteration {i}: took {clock.Elapsed.TotalMilliseconds:F0} ms");
            var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            // Strings and objects cost more than their bytes on disk, but never more than a small multiple.
            Assert.True(allocated <= AllocationBudget(bytes.Length), $"seed {seed}, iteration {i}: allocated {allocated:N0} bytes for a {bytes.Length:N0}-byte file");
        }

        return (read, refused);
    }

    private static long AllocationBudget(int fileLength) => (16L * fileLength) + (256 * 1024);

    private static byte[] TinyGguf(out int headerLength)
    {
        var options = new DemoModelOptions { EmbeddingLength = 16, LayerCount = 1, HeadCount = 2, HeadCountKv = 1, FeedForwardLength = 32, ContextLength = 64 };
        using var stream = new MemoryStream();
        DemoModelGenerator.CreateWriter(options).WriteTo(stream);
        var bytes = stream.ToArray();
        using var read = new MemoryStream(bytes, writable: false);
        headerLength = (int)GgufReader.Read(read).DataOffset;
        return bytes;
    }
}
