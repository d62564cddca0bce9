using Workbench.Core.Library;
using Workbench.Core.Tests.TestSupport;

namespace Workbench.Core.Tests.Library;

public sealed class ModelFileScannerTests
{
    [Theory]
    [InlineData("model.gguf.part")]
    [InlineData("model.gguf.incomplete")]
    [InlineData("model.gguf.tmp")]
    [InlineData("model.gguf.downloading")]
    [InlineData("model.gguf.crdownload")]
    public void A_partial_download_is_skipped(string fileName)
    {
        using var temp = new TempDirectory();
        GgufFixtures.WriteModel(temp.File(fileName));

        Assert.Empty(Candidates(temp.Path));
    }

    [Fact]
    public void A_model_whose_name_merely_contains_partial_is_kept()
    {
        using var temp = new TempDirectory();
        GgufFixtures.WriteModel(temp.File("my-partial-finetune.gguf"));

        Assert.Single(Candidates(temp.Path));
    }

    [Fact]
    public void An_unfinished_ollama_blob_name_is_a_partial_download()
    {
        Assert.True(ModelFileNames.IsPartialDownload("sha256-0123abcd-partial"));
        Assert.True(ModelFileNames.IsPartialDownload("sha256-0123abcd-partial-3"));
    }

    [Fact]
    public void A_file_beside_a_downloader_control_file_is_skipped()
    {
        using var temp = new TempDirectory();
        GgufFixtures.WriteModel(temp.File("model.gguf"));
        File.WriteAllText(temp.File("model.gguf.aria2"), "");

        Assert.Empty(Candidates(temp.Path));
    }

    [Fact]
    public void Hidden_files_and_folders_are_skipped()
    {
        using var temp = new TempDirectory();
        GgufFixtures.WriteModel(temp.File(".hidden.gguf"));
        GgufFixtures.WriteModel(Path.Combine(temp.Path, ".git", "model.gguf"));

        Assert.Empty(Candidates(temp.Path));
    }

    [Fact]
    public void Models_in_nested_folders_are_found_down_to_the_depth_limit()
    {
        using var temp = new TempDirectory();
        GgufFixtures.WriteModel(Path.Combine(temp.Path, "a", "b", "two.gguf"));
        GgufFixtures.WriteModel(Path.Combine(temp.Path, "a", "b", "c", "three.gguf"));

        var names = new ModelFileScanner(new ModelScanOptions { MaxDepth = 2 })
            .FindCandidates(temp.Path)
            .Select(c => c.Name);

        Assert.Equal(["two"], names);
    }

    [Fact]
    public void A_symlink_loop_ends_and_each_model_is_listed_once()
    {
        using var temp = new TempDirectory();
        var folder = Path.Combine(temp.Path, "models");
        GgufFixtures.WriteModel(Path.Combine(folder, "m.gguf"));
        Directory.CreateSymbolicLink(Path.Combine(folder, "loop"), folder);
        Directory.CreateSymbolicLink(Path.Combine(temp.Path, "again"), temp.Path);

        var candidate = Assert.Single(Candidates(temp.Path));

        Assert.Equal("m", candidate.Name);
    }

    [Fact]
    public void A_symlinked_folder_that_leaves_the_root_is_not_followed()
    {
        using var root = new TempDirectory();
        using var elsewhere = new TempDirectory();
        GgufFixtures.WriteModel(Path.Combine(elsewhere.Path, "m.gguf"));
        Directory.CreateSymbolicLink(Path.Combine(root.Path, "linked"), elsewhere.Path);

        Assert.Empty(Candidates(root.Path));
    }

    [Fact]
    public void A_symlinked_file_that_leaves_the_root_is_not_listed_even_through_a_chain_of_links()
    {
        using var root = new TempDirectory();
        using var elsewhere = new TempDirectory();
        var secret = Path.Combine(elsewhere.Path, "secret.gguf");
        GgufFixtures.WriteModel(secret);
        GgufFixtures.WriteModel(Path.Combine(root.Path, "real.gguf"));
        File.CreateSymbolicLink(Path.Combine(root.Path, "direct.gguf"), secret);
        File.CreateSymbolicLink(Path.Combine(root.Path, "hop.gguf"), Path.Combine(root.Path, "direct.gguf"));
        File.CreateSymbolicLink(Path.Combine(root.Path, "relative.gguf"), Path.Combine("..", Path.GetFileName(elsewhere.Path), "secret.gguf"));

        var candidate = Assert.Single(Candidates(root.Path));

        Assert.Equal("real", candidate.Name);
    }

    [Fact]
    public void Links_that_stay_inside_the_root_are_followed()
    {
        using var root = new TempDirectory();
        GgufFixtures.WriteModel(Path.Combine(root.Path, "store", "m.gguf"));
        Directory.CreateSymbolicLink(Path.Combine(root.Path, "shortcut"), Path.Combine(root.Path, "store"));
        File.CreateSymbolicLink(Path.Combine(root.Path, "alias.gguf"), Path.Combine(root.Path, "store", "m.gguf"));

        var names = Candidates(root.Path).Select(c => c.Name).Order(StringComparer.Ordinal);

        // The folder is visited once (through whichever path comes first); the file link is its own entry.
        Assert.Equal(["alias", "m"], names);
    }

    [Fact]
    public void A_symlinked_folder_outside_the_root_is_followed_when_the_owner_allows_it()
    {
        using var root = new TempDirectory();
        using var elsewhere = new TempDirectory();
        GgufFixtures.WriteModel(Path.Combine(elsewhere.Path, "m.gguf"));
        Directory.CreateSymbolicLink(Path.Combine(root.Path, "linked"), elsewhere.Path);

        var candidate = Assert.Single(new ModelFileScanner(new ModelScanOptions { FollowLinksOutsideRoot = true }).FindCandidates(root.Path));

        Assert.Equal(Path.Combine(root.Path, "linked", "m.gguf"), candidate.PrimaryPath);
    }

    [Fact]
    public void A_root_that_does_not_exist_has_no_models()
    {
        Assert.Empty(Candidates(Path.Combine(Path.GetTempPath(), "workbench-no-such-folder-" + Guid.NewGuid().ToString("N"))));
    }

    [Fact]
    public void The_fingerprint_changes_when_a_file_of_the_model_changes()
    {
        using var temp = new TempDirectory();
        var path = GgufFixtures.WriteModel(temp.File("m.gguf"));
        var before = Assert.Single(Candidates(temp.Path)).Fingerprint;

        File.AppendAllText(path, "more");
        var after = Assert.Single(Candidates(temp.Path)).Fingerprint;

        Assert.NotEqual(before, after);
    }

    [Fact]
    public void The_fingerprint_changes_when_only_the_modification_time_changes()
    {
        using var temp = new TempDirectory();
        var path = GgufFixtures.WriteModel(temp.File("m.gguf"));
        var before = Assert.Single(Candidates(temp.Path)).Fingerprint;

        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(5));

        Assert.NotEqual(before, Assert.Single(Candidates(temp.Path)).Fingerprint);
    }

    [Fact]
    public void The_fingerprint_and_id_stay_the_same_when_nothing_changes()
    {
        using var temp = new TempDirectory();
        GgufFixtures.WriteModel(temp.File("m.gguf"));

        var first = Assert.Single(Candidates(temp.Path));
        var second = Assert.Single(Candidates(temp.Path));

        Assert.Equal(first.Fingerprint, second.Fingerprint);
        Assert.Equal(first.Id, second.Id);
    }

    [Fact]
    public void A_descriptor_keeps_the_candidate_id_and_fingerprint()
    {
        using var temp = new TempDirectory();
        GgufFixtures.WriteModel(temp.File("m.gguf"));
        var candidate = Assert.Single(Candidates(temp.Path));

        var model = ModelFileScanner.Describe(candidate);

        Assert.Equal(candidate.Id, model.Id);
        Assert.Equal(candidate.Fingerprint, model.Fingerprint);
    }

    [Fact]
    public void Describing_a_candidate_whose_file_has_vanished_gives_an_error()
    {
        using var temp = new TempDirectory();
        var path = GgufFixtures.WriteModel(temp.File("m.gguf"));
        var candidate = Assert.Single(Candidates(temp.Path));
        File.Delete(path);

        Assert.NotNull(ModelFileScanner.Describe(candidate).Error);
    }

    [Fact]
    public void A_model_folder_is_not_searched_for_more_models()
    {
        using var temp = new TempDirectory();
        var folder = Formats.TinyModel.WriteFolder(temp.File("Tiny"), Formats.TinyModel.Unquantized(), Formats.TinyModel.Config());
        GgufFixtures.WriteModel(Path.Combine(folder, "original", "consolidated.gguf"));

        Assert.Equal([ModelCandidateKind.SafetensorsFolder], Candidates(temp.Path).Select(c => c.Kind));
    }

    [Fact]
    public void The_store_source_is_carried_to_the_candidates()
    {
        using var temp = new TempDirectory();
        GgufFixtures.WriteModel(Path.Combine(temp.Path, "lmstudio-community", "Tiny-GGUF", "tiny-Q4_K_M.gguf"));

        var candidate = Assert.Single(new ModelFileScanner().FindCandidates(temp.Path, ModelSource.LmStudio));

        Assert.Equal(ModelSource.LmStudio, candidate.Source);
        Assert.Equal(temp.Path, candidate.SourceRoot);
    }

    [Fact]
    public void The_candidates_can_be_enumerated_more_than_once()
    {
        using var temp = new TempDirectory();
        GgufFixtures.WriteModel(temp.File("m.gguf"));
        var candidates = new ModelFileScanner().FindCandidates(temp.Path);

        Assert.Single(candidates);
        Assert.Single(candidates);
    }

    [Fact]
    public async Task A_named_pipe_called_gguf_is_not_a_candidate_and_the_walk_does_not_block()
    {
        using var temp = new TempDirectory();
        GgufFixtures.WriteModel(temp.File("good.gguf"));
        NamedPipeFile.Create(temp.File("trap.gguf"));

        var names = await Task.Run(() => Candidates(temp.Path).Select(c => c.Name).ToList()).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["good"], names);
    }

    [Fact]
    public async Task Describing_a_file_replaced_by_a_named_pipe_reports_it_without_opening_it()
    {
        using var temp = new TempDirectory();
        GgufFixtures.WriteModel(temp.File("m.gguf"));
        var candidate = Assert.Single(Candidates(temp.Path));
        File.Delete(temp.File("m.gguf"));
        NamedPipeFile.Create(temp.File("m.gguf"));

        var descriptor = await Task.Run(() => ModelFileScanner.Describe(candidate)).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Contains("not a regular file", descriptor.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_regular_file_is_regular_and_a_named_pipe_or_device_is_not()
    {
        using var temp = new TempDirectory();
        GgufFixtures.WriteModel(temp.File("m.gguf"));
        NamedPipeFile.Create(temp.File("pipe.gguf"));

        Assert.True(RegularFile.Is(temp.File("m.gguf")));
        Assert.False(RegularFile.Is(temp.File("pipe.gguf")));
        Assert.False(RegularFile.Is("/dev/zero"));
        Assert.False(RegularFile.Is(temp.File("missing.gguf")));
    }

    private static List<ModelCandidate> Candidates(string root) => new ModelFileScanner().FindCandidates(root).ToList();
}
