using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Workbench.Core.DemoModel;
using Workbench.Web.Tests.TestSupport;
using Workbench.Web.Workers;

namespace Workbench.Web.Tests.Api.Compat;

/// <summary>A model file whose header reads but whose weights llama.cpp cannot load, asked for through the APIs.</summary>
public sealed class LoadFailureApiTests : IAsyncLifetime
{
    private readonly DirectoryInfo _models = Directory.CreateTempSubdirectory("workbench-load-failure-");
    private RealWorkerServer _server = null!;

    public async Task InitializeAsync()
    {
        DemoModelGenerator.Write(Path.Combine(_models.FullName, "good.gguf"));
        var broken = Path.Combine(_models.FullName, "broken.gguf");
        DemoModelGenerator.Write(broken);
        // A header that reads (the library lists it) naming a tokenizer llama.cpp does not know: "llama" → "wrong".
        var bytes = await File.ReadAllBytesAsync(broken);
        var key = System.Text.Encoding.UTF8.GetBytes(Workbench.Core.Gguf.GgufKeys.TokenizerModel);
        var value = bytes.AsSpan().IndexOf(key) + key.Length + 4 + 8;
        Assert.Equal("llama", System.Text.Encoding.UTF8.GetString(bytes, value, 5));
        System.Text.Encoding.UTF8.GetBytes("wrong").CopyTo(bytes, value);
        await File.WriteAllBytesAsync(broken, bytes);

        _server = new RealWorkerServer("load-failure", ("Workbench:ModelRoots:0", _models.FullName));
        var registry = _server.Services.GetRequiredService<WorkerRegistry>();
        await RealWorkerServer.WaitUntilAsync(() => registry.Workers.Count == 1, "the worker to connect");
        var library = _server.Services.GetRequiredService<Workbench.Web.Library.LibraryIndex>();
        await RealWorkerServer.WaitUntilAsync(() => library.Models.Count(m => m.PrimaryPath.StartsWith(_models.FullName, StringComparison.Ordinal)) == 2, "both files to be indexed");
    }

    [Fact]
    public async Task A_model_that_cannot_load_answers_422_with_llama_cpps_cause_and_the_loaded_model_stays()
    {
        using var client = _server.CreateClient();
        using var good = await ChatAsync(client, "good");
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);

        using var openAi = await ChatAsync(client, "broken");
        using var ollama = await client.PostAsJsonAsync("/api/chat", new { model = "broken", stream = false, messages = new[] { new { role = "user", content = "hi" } } });
        var body = await openAi.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(openAi.StatusCode == HttpStatusCode.UnprocessableEntity, body.ToString());
        var error = body.GetProperty("error");

        // Not a 5xx: the OpenAI SDKs retry those, and loading the same file again fails the same way.
        Assert.Equal(HttpStatusCode.UnprocessableEntity, openAi.StatusCode);
        Assert.Equal("model_load_failed", error.GetProperty("code").GetString());
        Assert.Equal("model", error.GetProperty("param").GetString());
        Assert.StartsWith("Loading 'broken' failed: ", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("broken.gguf", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("unknown tokenizer: 'wrong'", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, ollama.StatusCode);
        Assert.Contains("Loading 'broken' failed", (await ollama.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString(), StringComparison.Ordinal);
        var resident = _server.Services.GetRequiredService<WorkerRegistry>().Workers.Single().Resident;
        Assert.Equal("good.gguf", Path.GetFileName(Assert.Single(resident).Path));
    }

    private static Task<HttpResponseMessage> ChatAsync(HttpClient client, string model) =>
        client.PostAsJsonAsync("/v1/chat/completions", new { model, max_tokens = 4, messages = new[] { new { role = "user", content = "hi" } } });

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _models.Delete(recursive: true);
    }
}
