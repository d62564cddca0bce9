using Workbench.Core.Estimation;
using Workbench.Core.Formats;
using Workbench.Core.Gguf;
using Workbench.Core.Hub;
using Workbench.Core.Tests.Formats;
using Workbench.Core.Tests.TestSupport;

namespace Workbench.Core.Tests.Hub;

/// <summary>Headers of remote files read by range requests: only a small part of each file, the same result as local reads.</summary>
public sealed class RemoteHeaderReaderTests : IAsyncLifetime
{
    private static readonly RemoteHeaderLimits SmallSteps = new() { InitialBytes = 16 * 1024, MaxBytes = 4 * 1024 * 1024 };
    private static readonly HubRepoId Repo = HubRepoId.Parse("acme/Medium-GGUF");
    private readonly TempDirectory _temp = new();
    private LocalHub _hub = null!;
    private HttpClient _http = null!;
    private HubClient _client = null!;

    public async Task InitializeAsync()
    {
        _hub = await LocalHub.StartAsync();
        _http = new HttpClient(HubClient.CreateHandler());
        _client = new HubClient(_http, new HubClientOptions { Endpoint = _hub.Endpoint });
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _hub.DisposeAsync();
        _temp.Dispose();
    }

    private RangeSource Source(string path) => (offset, count, ct) => _client.ReadRangeAsync(Repo, "main", path, offset, count, ct);

    private Task<RemoteGgufHeader> ReadAsync(string path, RemoteHeaderLimits? limits = null) =>
        RemoteHeaderReader.ReadGgufAsync(Source(path), new FileInfo(_temp.File($"repo/{path}")).Length, path, limits ?? SmallSteps, CancellationToken.None);

    [Fact]
    public async Task A_remote_header_reads_a_small_fraction_of_the_file_and_equals_the_local_header()
    {
        var local = HubModelFixtures.WriteModel(_temp.File("repo/medium-F16.gguf"));
        _hub.AddRepo(Repo.ToString(), _temp.File("repo"));

        var remote = await ReadAsync("medium-F16.gguf");

        var size = new FileInfo(local).Length;
        var served = _hub.Served(Repo.ToString(), "medium-F16.gguf");
        Assert.Equal(served, remote.BytesRead);
        Assert.True(served < size / 10, $"served {served:N0} of {size:N0} bytes");
        var expected = GgufReader.ReadFile(local);
        Assert.Equal(expected.Tensors.Select(t => (t.Name, t.Type, t.ByteSize, t.Offset)), remote.File.Tensors.Select(t => (t.Name, t.Type, t.ByteSize, t.Offset)));
        Assert.Equal(expected.Metadata.Keys, remote.File.Metadata.Keys);
        Assert.Equal(expected.DataOffset, remote.File.DataOffset);
    }

    [Fact]
    public async Task A_split_set_read_remotely_estimates_like_the_same_parts_on_disk()
    {
        var whole = HubModelFixtures.WriteModel(_temp.File("src/medium.gguf"));
        var parts = HubModelFixtures.Split(whole, _temp.File("repo"), "medium-F16", 3);
        _hub.AddRepo(Repo.ToString(), _temp.File("repo"));

        var remote = new List<GgufFile>();
        foreach (var part in parts)
        {
            remote.Add((await ReadAsync(Path.GetFileName(part))).File);
        }

        var settings = RunSettings.Default with { ContextLength = 2048 };
        var local = MemoryEstimator.Estimate(EstimationModel.FromGgufSplits([.. parts.Select(GgufReader.ReadFile)]), settings, [], null);
        var fromHub = MemoryEstimator.Estimate(EstimationModel.FromGgufSplits(remote), settings, [], null);
        Assert.Equal(local.TotalRamBytes, fromHub.TotalRamBytes);
        Assert.Equal(local.WeightsCpuBytes, fromHub.WeightsCpuBytes);
        Assert.Equal(local.KvCacheCpuBytes, fromHub.KvCacheCpuBytes);
        foreach (var part in parts)
        {
            var served = _hub.Served(Repo.ToString(), Path.GetFileName(part));
            Assert.True(served < new FileInfo(part).Length / 4, $"{Path.GetFileName(part)}: served {served:N0} of {new FileInfo(part).Length:N0}");
        }
    }

    [Fact]
    public async Task A_hostile_header_is_refused_remotely_with_the_local_message()
    {
        // Claims more tensors than the file could describe: refused before anything is allocated for them.
        var bytes = GgufBytes.Header(tensorCount: ulong.MaxValue / 2).Zeros(200_000).ToArray();
        Directory.CreateDirectory(_temp.File("repo"));
        File.WriteAllBytes(_temp.File("repo/hostile.gguf"), bytes);
        _hub.AddRepo(Repo.ToString(), _temp.File("repo"));

        var local = Assert.Throws<GgufFormatException>(() => GgufReader.ReadFile(_temp.File("repo/hostile.gguf")));
        var remote = await Assert.ThrowsAsync<GgufFormatException>(() => ReadAsync("hostile.gguf"));

        Assert.Equal(local.Message, remote.Message);
        Assert.True(_hub.Served(Repo.ToString(), "hostile.gguf") <= SmallSteps.InitialBytes);
    }

    [Fact]
    public async Task A_wrong_magic_is_refused_remotely()
    {
        Directory.CreateDirectory(_temp.File("repo"));
        File.WriteAllBytes(_temp.File("repo/fake.gguf"), [.. "PK\x03\x04"u8, .. new byte[100_000]]);
        _hub.AddRepo(Repo.ToString(), _temp.File("repo"));

        var error = await Assert.ThrowsAsync<GgufFormatException>(() => ReadAsync("fake.gguf"));

        Assert.Contains("not a GGUF file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_header_larger_than_the_cap_is_refused_after_reading_at_most_the_cap()
    {
        // A string as long as the file: the parser keeps asking for more until the cap.
        var bytes = GgufBytes.Header(metadataCount: 1).Key("general.name", GgufValueType.String).U64(3_000_000).Zeros(3_000_100).ToArray();
        Directory.CreateDirectory(_temp.File("repo"));
        File.WriteAllBytes(_temp.File("repo/long.gguf"), bytes);
        _hub.AddRepo(Repo.ToString(), _temp.File("repo"));
        var limits = SmallSteps with { MaxBytes = 256 * 1024 };

        var error = await Assert.ThrowsAsync<GgufFormatException>(() => ReadAsync("long.gguf", limits));

        Assert.Contains("refused", error.Message, StringComparison.Ordinal);
        Assert.True(_hub.Served(Repo.ToString(), "long.gguf") <= limits.MaxBytes);
    }

    [Fact]
    public async Task A_safetensors_header_read_by_range_equals_the_local_one()
    {
        TinyModel.WriteFolder(_temp.File("repo"), TinyModel.Gptq(), TinyModel.Config());
        _hub.AddRepo(Repo.ToString(), _temp.File("repo"));
        var path = Directory.EnumerateFiles(_temp.File("repo"), "*.safetensors").Single();
        var name = Path.GetFileName(path);

        var remote = await RemoteHeaderReader.ReadSafetensorsAsync(Source(name), new FileInfo(path).Length, name, SmallSteps, CancellationToken.None);

        var local = SafetensorsHeaderReader.ReadFile(path);
        Assert.Equal(local.Tensors.Select(t => (t.Name, t.DType.Name, t.ByteSize)), remote.Header.Tensors.Select(t => (t.Name, t.DType.Name, t.ByteSize)));
    }
}
