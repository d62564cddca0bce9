using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Workbench.Web.Api.Compat;
using Workbench.Web.Library;
using Workbench.Web.Security;
using Workbench.Web.Tests.TestSupport;
using Workbench.Web.Workers;

namespace Workbench.Web.Tests.Security;

/// <summary>
/// Absolute paths and the worker's process id reach only the owner: a guest's JSON and an API key's show
/// file names and process id 0. Real Kestrel, the real worker and its hardware report, the demo model.
/// </summary>
public sealed class OwnerDetailsOverKestrelTests : IAsyncLifetime
{
    private readonly RealWorkerServer _server = new(
        "owner-details",
        ("Workbench:Access:AllowLoopbackWithoutSignIn", "false"),
        ("Workbench:Access:SignInAttemptsPerMinute", "100"));

    public async Task InitializeAsync()
    {
        await RealWorkerServer.WaitUntilAsync(() => _server.Services.GetRequiredService<WorkerRegistry>().Workers.Any(w => w.Hardware is not null), "the worker's hardware report");
        await RealWorkerServer.WaitUntilAsync(() => _server.Services.GetRequiredService<LibraryIndex>().Models.Count > 0, "the demo model in the library");
    }

    [Fact]
    public async Task A_guest_sees_no_absolute_path_and_no_process_id_and_the_owner_sees_both()
    {
        using var guest = await SignedInAsync(AccessRoles.Guest);
        using var owner = await SignedInAsync(AccessRoles.Owner);
        var modelId = _server.Services.GetRequiredService<LibraryIndex>().Models[0].Id;
        string[] paths = ["/workbench/v1/models", $"/workbench/v1/models/{modelId}", "/workbench/v1/hardware", "/workbench/v1/library/scan"];

        foreach (var path in paths)
        {
            var json = await guest.GetStringAsync(path);
            Assert.DoesNotContain(_server.DataDirectory, json, StringComparison.Ordinal);
        }

        var guestWorker = (await guest.GetFromJsonAsync<JsonElement>("/workbench/v1/hardware"))[0].GetProperty("registration");
        var ownerWorker = (await owner.GetFromJsonAsync<JsonElement>("/workbench/v1/hardware"))[0].GetProperty("registration");
        Assert.Equal(0, guestWorker.GetProperty("processId").GetInt32());
        Assert.True(ownerWorker.GetProperty("processId").GetInt32() > 0);
        Assert.Contains(_server.DataDirectory, await owner.GetStringAsync("/workbench/v1/models"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_api_key_gets_no_absolute_path_from_ollama_show()
    {
        var key = await _server.Services.GetRequiredService<ApiKeyStore>().CreateAsync("script");
        using var client = _server.CreateBrowserLikeClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.Secret);
        var model = _server.Services.GetRequiredService<LibraryIndex>().Models[0];

        var response = await client.PostAsJsonAsync("/api/show", new { model = model.OllamaName ?? model.Name });
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("FROM " + Path.GetFileName(model.PrimaryPath), body, StringComparison.Ordinal);
        Assert.DoesNotContain(_server.DataDirectory, body, StringComparison.Ordinal);
    }

    private async Task<HttpClient> SignedInAsync(string role)
    {
        var browser = _server.CreateBrowserLikeClient();
        var token = _server.Services.GetRequiredService<AccessTokenStore>().Create(role, role).Secret;
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/signin/link?token=" + Uri.EscapeDataString(token))).StatusCode);
        return browser;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();
}
