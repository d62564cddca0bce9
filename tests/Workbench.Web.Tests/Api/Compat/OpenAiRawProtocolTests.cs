using System.Net.Http.Json;
using System.Text.Json;

namespace Workbench.Web.Tests.Api.Compat;

/// <summary>The parts of /v1 the OpenAI SDK does not reach: legacy completions and the 'loaded' mark.</summary>
[Collection(CompatApiTestGroup.Name)]
public sealed class OpenAiRawProtocolTests(CompatApiServer server)
{
    [Fact]
    public async Task A_text_completion_answers_the_prompt_with_usage()
    {
        using var http = server.Http(server.Key);

        using var response = await http.PostAsJsonAsync("/v1/completions", new { model = CompatApiServer.Alpha, prompt = "Say hi", max_tokens = 7 });
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        var choice = json.RootElement.GetProperty("choices")[0];
        Assert.Equal("text_completion", json.RootElement.GetProperty("object").GetString());
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        Assert.NotEmpty(choice.GetProperty("text").GetString()!);
        Assert.Equal(7, json.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task A_streamed_text_completion_is_server_sent_events_ending_with_done()
    {
        using var http = server.Http(server.Key);

        using var response = await http.PostAsJsonAsync("/v1/completions", new { model = CompatApiServer.Alpha, prompt = "Say hi", max_tokens = 7, stream = true });
        var events = (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.All(events, e => Assert.StartsWith("data: ", e, StringComparison.Ordinal));
        Assert.Equal("data: [DONE]", events[^1]);
        using var last = JsonDocument.Parse(events[^2]["data: ".Length..]);
        Assert.Equal("length", last.RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task The_model_list_marks_the_loaded_model()
    {
        using var http = server.Http(server.Key);
        using (await http.PostAsJsonAsync("/api/generate", new { model = CompatApiServer.Alpha }))
        {
        }

        using var json = JsonDocument.Parse(await http.GetStringAsync("/v1/models"));

        var loaded = json.RootElement.GetProperty("data").EnumerateArray()
            .Where(m => m.GetProperty("loaded").GetBoolean())
            .Select(m => m.GetProperty("id").GetString());
        Assert.Equal([CompatApiServer.Alpha], loaded);
    }

    [Fact]
    public async Task The_openapi_document_lists_the_compatible_endpoints()
    {
        using var http = server.Http();

        var paths = (await http.GetFromJsonAsync<JsonElement>("/openapi/v1.json")).GetProperty("paths");

        foreach (var path in new[] { "/v1/models", "/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/api/tags", "/api/ps", "/api/version", "/api/chat", "/api/generate" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is missing from the OpenAPI document");
        }
    }
}
