using Workbench.Core.Library;
using Workbench.Core.Tests.Formats;
using Workbench.Core.Tests.TestSupport;

namespace Workbench.Core.Tests.Library;

public sealed class HuggingFaceCacheScanTests
{
    private const string Revision = "0123456789abcdef0123456789abcdef01234567";

    [Fact]
    public void A_cached_repository_is_named_org_slash_name_and_measured_through_its_symlinks()
    {
        using var temp = new TempDirectory();
        var snapshot = CacheRepository(temp.Path, "models--acme--tiny-llama", Revision);
        WriteBlobLinked(snapshot, "config.json", System.Text.Encoding.UTF8.GetBytes(TinyModel.Config()));
        WriteBlobLinked(snapshot, "model.safetensors", TinyModel.Unquantized().ToBytes());

        var model = Assert.Single(Scan(temp.Path));

        Assert.Null(model.Error);
        Assert.Equal("acme/tiny-llama", model.Name);
        Assert.Equal(ModelSource.HuggingFaceCache, model.Source);
        Assert.Equal(TinyModel.ParameterCount, model.ParameterCount);
        var blobBytes = Directory.GetFiles(Path.Combine(temp.Path, "models--acme--tiny-llama", "blobs")).Sum(f => new FileInfo(f).Length);
        Assert.Equal(blobBytes, model.FileBytes);
    }

    [Fact]
    public void The_snapshot_refs_main_points_to_is_chosen_over_a_newer_one()
    {
        using var temp = new TempDirectory();
        var main = CacheRepository(temp.Path, "models--acme--tiny", Revision);
        GgufFixtures.WriteModel(Path.Combine(main, "main.gguf"));
        var other = CacheRepository(temp.Path, "models--acme--tiny", "ffffffffffffffffffffffffffffffffffffffff", writeRef: false);
        GgufFixtures.WriteModel(Path.Combine(other, "other.gguf"));
        Directory.SetLastWriteTimeUtc(other, DateTime.UtcNow.AddHours(1));

        var model = Assert.Single(Scan(temp.Path));

        Assert.StartsWith(main, model.PrimaryPath, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_refs_main_the_newest_snapshot_is_chosen()
    {
        using var temp = new TempDirectory();
        var older = CacheRepository(temp.Path, "models--acme--tiny", "aaaa", writeRef: false);
        GgufFixtures.WriteModel(Path.Combine(older, "old.gguf"));
        var newer = CacheRepository(temp.Path, "models--acme--tiny", "bbbb", writeRef: false);
        GgufFixtures.WriteModel(Path.Combine(newer, "new.gguf"));
        Directory.SetLastWriteTimeUtc(older, DateTime.UtcNow.AddHours(-2));
        Directory.SetLastWriteTimeUtc(newer, DateTime.UtcNow.AddHours(-1));

        var model = Assert.Single(Scan(temp.Path));

        Assert.StartsWith(newer, model.PrimaryPath, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_keeps_its_id_when_a_new_revision_replaces_the_snapshot()
    {
        using var temp = new TempDirectory();
        var first = CacheRepository(temp.Path, "models--acme--tiny", Revision);
        GgufFixtures.WriteModel(Path.Combine(first, "tiny.gguf"));
        var before = Assert.Single(Scan(temp.Path));

        var second = CacheRepository(temp.Path, "models--acme--tiny", "ffffffffffffffffffffffffffffffffffffffff");
        GgufFixtures.WriteModel(Path.Combine(second, "tiny.gguf"));
        var after = Assert.Single(Scan(temp.Path));

        Assert.StartsWith(second, after.PrimaryPath, StringComparison.Ordinal);
        Assert.Equal(before.Id, after.Id);
        Assert.NotEqual(before.Fingerprint, after.Fingerprint);
    }

    [Fact]
    public void A_repository_holding_several_gguf_files_names_each_after_its_file()
    {
        using var temp = new TempDirectory();
        var snapshot = CacheRepository(temp.Path, "models--acme--tiny-GGUF", Revision);
        GgufFixtures.WriteModel(Path.Combine(snapshot, "tiny.Q4_K_M.gguf"));
        GgufFixtures.WriteModel(Path.Combine(snapshot, "tiny.Q8_0.gguf"));

        var names = Scan(temp.Path).Select(m => m.Name).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(["acme/tiny-GGUF/tiny.Q4_K_M", "acme/tiny-GGUF/tiny.Q8_0"], names);
    }

    [Fact]
    public void A_shard_whose_blob_is_still_downloading_makes_an_error()
    {
        using var temp = new TempDirectory();
        var snapshot = CacheRepository(temp.Path, "models--acme--tiny", Revision);
        WriteBlobLinked(snapshot, "config.json", System.Text.Encoding.UTF8.GetBytes(TinyModel.Config()));
        WriteBlobLinked(snapshot, "model-00001-of-00002.safetensors", TinyModel.Unquantized().ToBytes());
        File.WriteAllText(
            Path.Combine(snapshot, "model.safetensors.index.json"),
            """{"weight_map": {"a": "model-00001-of-00002.safetensors", "b": "model-00002-of-00002.safetensors"}}""");
        var blobs = Path.Combine(temp.Path, "models--acme--tiny", "blobs");
        File.WriteAllBytes(Path.Combine(blobs, "feed.incomplete"), new byte[10]);
        File.CreateSymbolicLink(Path.Combine(snapshot, "model-00002-of-00002.safetensors"), Path.Combine(blobs, "feed"));

        var model = Assert.Single(Scan(temp.Path));

        Assert.Contains("download incomplete", model.Error, StringComparison.Ordinal);
        Assert.Equal("acme/tiny", model.Name);
    }

    [Fact]
    public void Dataset_repositories_in_the_cache_are_not_models()
    {
        using var temp = new TempDirectory();
        var snapshot = CacheRepository(temp.Path, "datasets--acme--corpus", Revision);
        File.WriteAllText(Path.Combine(snapshot, "data.json"), "{}");

        Assert.Empty(Scan(temp.Path));
    }

    /// <summary>models--org--name/{refs/main, snapshots/&lt;revision&gt;/, blobs/}; returns the snapshot folder.</summary>
    private static string CacheRepository(string cache, string folderName, string revision, bool writeRef = true)
    {
        var repository = Path.Combine(cache, folderName);
        var snapshot = Path.Combine(repository, "snapshots", revision);
        Directory.CreateDirectory(snapshot);
        Directory.CreateDirectory(Path.Combine(repository, "blobs"));
        if (writeRef)
        {
            Directory.CreateDirectory(Path.Combine(repository, "refs"));
            File.WriteAllText(Path.Combine(repository, "refs", "main"), revision);
        }

        return snapshot;
    }

    /// <summary>Writes the content as a blob named by its hash and links it into the snapshot with a relative symlink, as huggingface_hub does.</summary>
    private static void WriteBlobLinked(string snapshot, string fileName, byte[] content)
    {
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content));
        var blobs = Path.GetFullPath(Path.Combine(snapshot, "..", "..", "blobs"));
        File.WriteAllBytes(Path.Combine(blobs, hash), content);
        File.CreateSymbolicLink(Path.Combine(snapshot, fileName), Path.Combine("..", "..", "blobs", hash));
    }

    private static List<ModelDescriptor> Scan(string cache) =>
        new ModelFileScanner().Scan(new ModelStoreRoot(cache, ModelSource.HuggingFaceCache)).ToList();
}
