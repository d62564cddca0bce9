using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Workbench.Core.DemoModel;
using Workbench.Core.Estimation;
using Workbench.Web.Library;
using Workbench.Web.Tests.TestSupport;
using Workbench.Web.Workers;

namespace Workbench.Web.Tests.Api;

/// <summary>The load API's cache type and flash attention, through a real worker.</summary>
public sealed class LoadSettingsApiTests : IAsyncLifetime
{
    private readonly DirectoryInfo _models = Directory.CreateTempSubdirectory("workbench-load-settings-");
    private RealWorkerServer _server = null!;
    private string _id = null!;

    public async Task InitializeAsync()
    {
        var path = Path.Combine(_models.FullName, "small.gguf");
        DemoModelGenerator.Write(path);
        _server = new RealWorkerServer("load-settings", ("Workbench:ModelRoots:0", _models.FullName));
        var registry = _server.Services.GetRequiredService<WorkerRegistry>();
        await RealWorkerServer.WaitUntilAsync(() => registry.Workers.Count == 1, "the worker to connect");
        var library = _server.Services.GetRequiredService<LibraryIndex>();
        await RealWorkerServer.WaitUntilAsync(() => library.FindByPath(path) is not null, "the file to be indexed");
        _id = library.FindByPath(path)!.Id;
    }

    [Fact]
    public async Task A_cache_type_and_flash_attention_chosen_are_what_llama_cpp_loads_and_an_api_chat_keeps_them()
    {
        using var client = _server.CreateClient();

        using var response = await client.PostAsJsonAsync($"/workbench/v1/models/{_id}/load", new { context = 512, kvCache = "f32", flashAttention = false });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        Assert.Equal("f32", body.GetProperty("kvCache").GetString());
        Assert.False(body.GetProperty("flashAttention").GetBoolean());
        var resident = _server.Services.GetRequiredService<WorkerRegistry>().Workers.Single().Resident.Single();
        Assert.Equal(KvCacheType.F32, resident.Load.KvCache);

        // A client that states no cache type is answered by the model as it is, not reloaded with f16.
        using var chat = await client.PostAsJsonAsync("/v1/chat/completions", new { model = _id, max_tokens = 2, messages = new[] { new { role = "user", content = "hi" } } });
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        Assert.Same(resident.Load, _server.Services.GetRequiredService<WorkerRegistry>().Workers.Single().Resident.Single().Load);
    }

    [Theory]
    [InlineData("q4_0", false, "needs flash attention")]
    [InlineData("q8_0", true, "do not divide the heads of 16")]
    [InlineData("q3_k", true, "is not a cache type")]
    public async Task Settings_llama_cpp_would_refuse_are_answered_400_with_the_reason(string kvCache, bool flashAttention, string reason)
    {
        using var client = _server.CreateClient();

        using var response = await client.PostAsJsonAsync($"/workbench/v1/models/{_id}/load", new { context = 512, kvCache, flashAttention });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _models.Delete(recursive: true);
    }
}
