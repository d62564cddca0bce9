using Workbench.Core.Estimation;
using Workbench.Core.Gguf;
using Workbench.Core.Tests.TestSupport;

namespace Workbench.Core.Tests.Gguf;

public sealed class GgufCompactHeaderTests
{
    [Fact]
    public void The_compact_header_is_small_and_estimates_exactly_like_the_file()
    {
        using var temp = new TempDirectory();
        var path = HubModelFixtures.WriteModel(temp.File("m.gguf"));
        var file = GgufReader.ReadFile(path);

        var bytes = GgufCompactHeader.Encode(file)!;
        var decoded = GgufCompactHeader.Decode(bytes, file.FileLength);

        Assert.True(bytes.Length < file.DataOffset / 4, $"{bytes.Length:N0} of a {file.DataOffset:N0}-byte header");
        Assert.Equal(file.Facts.VocabularySize, decoded.Facts.VocabularySize);
        Assert.Equal(file.DataOffset, decoded.DataOffset);
        Assert.Equal(file.Version, decoded.Version);
        Assert.Equal(file.Metadata.Keys, decoded.Metadata.Keys);
        var settings = RunSettings.Default with { ContextLength = 4096 };
        GpuBudget[] gpu = [new("GPU", 8L << 30)];
        var expected = MemoryEstimator.Estimate(EstimationModel.FromGguf(file), settings, gpu, null);
        var actual = MemoryEstimator.Estimate(EstimationModel.FromGguf(decoded), settings, gpu, null);
        Assert.Equal(expected.TotalGpuBytes, actual.TotalGpuBytes);
        Assert.Equal(expected.TotalRamBytes, actual.TotalRamBytes);
    }

    [Fact]
    public void Bytes_that_are_not_a_compact_header_are_refused()
    {
        var plain = GgufTestFiles.ToBytes(GgufTestFiles.SmallModel());

        Assert.Throws<GgufFormatException>(() => GgufCompactHeader.Decode(plain, plain.Length));
    }

    [Fact]
    public void Every_part_of_a_split_set_round_trips_even_when_the_compact_header_is_the_longer()
    {
        using var temp = new TempDirectory();
        var whole = HubModelFixtures.WriteModel(temp.File("m.gguf"));
        foreach (var part in HubModelFixtures.Split(whole, temp.File("parts"), "m", 2))
        {
            var file = GgufReader.ReadFile(part);
            var decoded = GgufCompactHeader.Decode(GgufCompactHeader.Encode(file)!, file.FileLength);
            Assert.Equal(file.Tensors.Count, decoded.Tensors.Count);
        }
    }
}
