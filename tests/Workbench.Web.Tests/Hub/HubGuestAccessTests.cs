using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Workbench.Core.Tests.Formats;
using Workbench.Core.Tests.TestSupport;
using Workbench.Web.Security;

using Workbench.Web.Tests.TestSupport;

namespace Workbench.Web.Tests.Hub;

/// <summary>
/// The Hugging Face token is the owner's: with one configured, a guest's hub reads go without it, a gated repository
/// the owner has just read is refused to the guest (not answered from the owner's cached rows), and public ones still
/// read. The local hub server refuses the gated repository to any request without the token.
/// </summary>
public sealed class HubGuestAccessTests : IAsyncLifetime
{
    private const string Token = "hf_owner_secret";
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("workbench-hub-guest-");
    private LocalHub _hub = null!;
    private WebApplicationFactory<Program> _factory = null!;

    public async Task InitializeAsync()
    {
        _hub = await LocalHub.StartAsync();
        _hub.Token = Token;
        var folder = TinyModel.WriteFolder(Path.Combine(_data.FullName, "tiny"), TinyModel.Unquantized("BF16"), TinyModel.Config(torchDtype: "bfloat16"));
        _hub.AddRepo("acme/Private-Tiny", folder, gated: true);
        _hub.AddRepo("acme/Public-Tiny", folder);
        Directory.CreateDirectory(Path.Combine(_data.FullName, "models"));
        _factory = HubDashboard.Start(_hub, _data.FullName, Path.Combine(_data.FullName, "models"), b =>
        {
            b.UseSetting("Workbench:Access:AllowLoopbackWithoutSignIn", "false");
            b.UseSetting("Workbench:Access:SignInAttemptsPerMinute", "100");
            b.UseSetting("Workbench:HuggingFace:Token", Token);
        });
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _hub.DisposeAsync();
        _data.Delete(recursive: true);
    }

    private async Task<HttpClient> SignedInAsync(string role)
    {
        var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var token = _factory.Services.GetRequiredService<AccessTokenStore>().Create(role, role).Secret;
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync(new Uri("/signin/link?token=" + Uri.EscapeDataString(token), UriKind.Relative))).StatusCode);
        return client;
    }

    [Fact]
    public async Task A_guest_is_refused_the_gated_repository_the_owner_just_read()
    {
        using var owner = await SignedInAsync(AccessRoles.Owner);
        using var guest = await SignedInAsync(AccessRoles.Guest);
        var ownerRepo = await owner.GetFromJsonAsync<JsonElement>("/workbench/v1/hub/models/acme/Private-Tiny");

        var refused = await guest.GetAsync(new Uri("/workbench/v1/hub/models/acme/Private-Tiny", UriKind.Relative));

        Assert.Equal(JsonValueKind.Object, ownerRepo.GetProperty("files")[0].GetProperty("estimate").ValueKind);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("Guests read public repositories only", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False(problem.TryGetProperty("files", out _));
    }

    [Fact]
    public async Task A_guest_reads_a_public_repository_without_the_token()
    {
        using var guest = await SignedInAsync(AccessRoles.Guest);
        var before = _hub.Requests.Count;

        var repo = await guest.GetFromJsonAsync<JsonElement>("/workbench/v1/hub/models/acme/Public-Tiny");
        var found = await guest.GetFromJsonAsync<JsonElement>("/workbench/v1/hub/models?search=public");

        Assert.Equal("BF16", repo.GetProperty("files")[0].GetProperty("format").GetString());
        Assert.Equal(["acme/Public-Tiny"], found.EnumerateArray().Select(m => m.GetProperty("id").GetString()));
        var guestRequests = _hub.Requests.Skip(before).ToList();
        Assert.NotEmpty(guestRequests);
        Assert.All(guestRequests, r => Assert.Null(r.Authorization));
    }

    [Fact]
    public async Task The_owner_reads_with_the_token()
    {
        using var owner = await SignedInAsync(AccessRoles.Owner);

        var repo = await owner.GetFromJsonAsync<JsonElement>("/workbench/v1/hub/models/acme/Public-Tiny");

        Assert.Equal(JsonValueKind.Object, repo.GetProperty("files")[0].GetProperty("estimate").ValueKind);
        Assert.Contains(_hub.Requests, r => r.Authorization == $"Bearer {Token}");
    }
}
