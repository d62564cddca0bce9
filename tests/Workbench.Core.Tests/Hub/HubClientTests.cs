using System.Net;
using Workbench.Core.Hub;
using Workbench.Core.Tests.TestSupport;

namespace Workbench.Core.Tests.Hub;

/// <summary>The hub client against the local hub-compatible server.</summary>
public sealed class HubClientTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private LocalHub _hub = null!;
    private HttpClient _http = null!;
    private string _commit = null!;

    public async Task InitializeAsync()
    {
        _hub = await LocalHub.StartAsync();
        HubModelFixtures.WriteModel(_temp.File("repo/tiny-F16.gguf"));
        File.WriteAllText(_temp.File("repo/README.md"), "# tiny");
        _commit = _hub.AddRepo("acme/Tiny-GGUF", _temp.File("repo"));
        _hub.AddRepo("acme/Other", _temp.File("repo"), tags: "gptq");
        _http = new HttpClient(HubClient.CreateHandler());
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _hub.DisposeAsync();
        _temp.Dispose();
    }

    private HubClient Client(string? token = null) => new(_http, new HubClientOptions { Endpoint = _hub.Endpoint, Token = token });

    [Fact]
    public async Task Search_finds_repositories_by_text_and_tag()
    {
        var byText = await Client().SearchAsync("tiny", null, 20, CancellationToken.None);
        var byTag = await Client().SearchAsync("acme", "gptq", 20, CancellationToken.None);

        Assert.Equal("acme/Tiny-GGUF", Assert.Single(byText).Id);
        Assert.Equal("acme/Other", Assert.Single(byTag).Id);
    }

    [Fact]
    public async Task Model_info_gives_the_commit_a_branch_resolves_to()
    {
        var info = await Client().GetModelAsync(HubRepoId.Parse("acme/Tiny-GGUF"), "main", CancellationToken.None);

        Assert.Equal(_commit, info.Sha);
        Assert.False(info.IsGated);
        Assert.Contains(info.Siblings, s => s.FileName == "tiny-F16.gguf");
    }

    [Fact]
    public async Task The_file_list_has_sizes_and_the_lfs_sha256_and_follows_every_page()
    {
        _hub.TreePageSize = 1;

        var files = await Client().ListFilesAsync(HubRepoId.Parse("acme/Tiny-GGUF"), "main", CancellationToken.None);

        var gguf = Assert.Single(files, f => f.Path == "tiny-F16.gguf");
        Assert.Equal(new FileInfo(_temp.File("repo/tiny-F16.gguf")).Length, gguf.Size);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(_temp.File("repo/tiny-F16.gguf")))), gguf.Sha256);
        Assert.Null(Assert.Single(files, f => f.Path == "README.md").Sha256);
    }

    [Fact]
    public async Task Branches_come_with_their_commits()
    {
        var commit = _hub.AddRepo("acme/Tiny-GGUF", _temp.File("repo"), branch: "4.0bpw");

        var refs = await Client().GetRefsAsync(HubRepoId.Parse("acme/Tiny-GGUF"), CancellationToken.None);

        Assert.Contains(refs.Branches, b => b.Name == "4.0bpw" && b.TargetCommit == commit);
        Assert.Contains(refs.Branches, b => b.Name == "main");
    }

    [Fact]
    public async Task A_range_read_follows_the_redirect_and_returns_only_the_range()
    {
        var bytes = await Client().ReadRangeAsync(HubRepoId.Parse("acme/Tiny-GGUF"), "main", "tiny-F16.gguf", 4, 8, CancellationToken.None);

        Assert.Equal(File.ReadAllBytes(_temp.File("repo/tiny-F16.gguf")).AsSpan(4, 8).ToArray(), bytes);
        Assert.Equal(8, _hub.Served("acme/Tiny-GGUF", "tiny-F16.gguf"));
        Assert.Contains(_hub.Requests, r => r.Origin == _hub.Storage.GetLeftPart(UriPartial.Authority));
    }

    [Fact]
    public async Task The_token_goes_to_the_hub_but_never_to_the_storage_it_redirects_to()
    {
        await Client("hf_secret").ReadRangeAsync(HubRepoId.Parse("acme/Tiny-GGUF"), "main", "tiny-F16.gguf", 0, 16, CancellationToken.None);

        var requests = _hub.Requests.ToList();
        Assert.Contains(requests, r => r.Origin == _hub.Endpoint.GetLeftPart(UriPartial.Authority) && r.Authorization == "Bearer hf_secret");
        var storage = Assert.Single(requests, r => r.Origin == _hub.Storage.GetLeftPart(UriPartial.Authority));
        Assert.Null(storage.Authorization);
    }

    [Fact]
    public async Task A_gated_repository_without_a_token_says_how_to_get_access()
    {
        _hub.Token = "hf_right";
        _hub.AddRepo("acme/Gated", _temp.File("repo"), gated: true);

        var error = await Assert.ThrowsAsync<HubException>(() => Client().GetModelAsync(HubRepoId.Parse("acme/Gated"), null, CancellationToken.None));
        var info = await Client("hf_right").GetModelAsync(HubRepoId.Parse("acme/Gated"), null, CancellationToken.None);

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Contains("token", error.Message, StringComparison.Ordinal);
        Assert.True(info.IsGated);
    }

    [Fact]
    public async Task An_unknown_repository_is_a_not_found_error()
    {
        var error = await Assert.ThrowsAsync<HubException>(() => Client().GetModelAsync(HubRepoId.Parse("acme/Nope"), null, CancellationToken.None));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
    }

    [Theory]
    [InlineData("acme")]
    [InlineData("acme/../etc")]
    [InlineData("acme/x/y")]
    [InlineData("acme/x?y")]
    [InlineData("")]
    public void Text_that_is_not_a_repository_id_is_refused(string text)
    {
        Assert.False(HubRepoId.TryParse(text, out _, out var problem));
        Assert.Contains("owner/name", problem, StringComparison.Ordinal);
    }
}
