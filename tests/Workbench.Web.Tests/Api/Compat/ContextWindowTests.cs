using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenAI.Chat;
using Workbench.Web.Workers;

namespace Workbench.Web.Tests.Api.Compat;

/// <summary>A prompt longer than the window is the client's error (400, never a retryable 500), and Ollama's num_ctx chooses the window.</summary>
[Collection(CompatApiTestGroup.Name)]
public sealed class ContextWindowTests(CompatApiServer server)
{
    // Each "hello" is one token of the demo vocabulary; the demo model was trained for 2048.
    private static readonly string LongPrompt = string.Concat(Enumerable.Repeat("hello ", 3000));

    [Fact]
    public async Task The_OpenAI_SDK_gets_400_context_length_exceeded_with_the_numbers()
    {
        var chat = server.OpenAi().GetChatClient(CompatApiServer.Alpha);

        var refusal = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage(LongPrompt)]));

        Assert.Equal(400, refusal.Status);
        Assert.Contains("context_length_exceeded", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("maximum context length is", refusal.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/chat/completions", true)]
    [InlineData("/v1/completions", true)]
    [InlineData("/api/chat", true)]
    [InlineData("/api/generate", false)]
    public async Task An_overlong_prompt_is_answered_400_before_any_stream_starts(string path, bool stream)
    {
        using var http = server.Http(server.Key);
        object body = path switch
        {
            "/v1/chat/completions" or "/api/chat" => new { model = CompatApiServer.Alpha, messages = new[] { new { role = "user", content = LongPrompt } }, stream },
            _ => new { model = CompatApiServer.Alpha, prompt = LongPrompt, stream },
        };

        using var response = await http.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        using var json = JsonDocument.Parse(text);
        var error = json.RootElement.GetProperty("error");
        if (path.StartsWith("/v1/", StringComparison.Ordinal))
        {
            Assert.Equal("context_length_exceeded", error.GetProperty("code").GetString());
            Assert.Contains("tokens", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("maximum context length", error.GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Ollama_num_ctx_loads_the_model_with_that_window_and_show_reports_it()
    {
        // Ollama clients send num_ctx with every request; one without it asks for the API's window again.
        using var http = server.Http(server.Key);
        (await http.PostAsJsonAsync("/api/generate", new { model = CompatApiServer.Beta, keep_alive = 0 })).Dispose();

        using var load = await http.PostAsJsonAsync("/api/generate", new { model = CompatApiServer.Beta, options = new { num_ctx = 256 } });
        using var show = JsonDocument.Parse(await (await http.PostAsJsonAsync("/api/show", new { model = CompatApiServer.Beta })).Content.ReadAsStringAsync());
        using var tooLong = await http.PostAsJsonAsync("/api/generate", new { model = CompatApiServer.Beta, prompt = string.Concat(Enumerable.Repeat("hello ", 300)), stream = false, options = new { num_ctx = 256 } });

        Assert.Equal(HttpStatusCode.OK, load.StatusCode);
        var beta = server.Get<WorkerRegistry>().PickWorker()!.Resident.Single(m => m.Path.EndsWith("beta.gguf", StringComparison.Ordinal));
        Assert.Equal(256, beta.Load.ContextSize);
        Assert.Matches(@"(?m)^num_ctx\s+256$", show.RootElement.GetProperty("parameters").GetString()!);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        (await http.PostAsJsonAsync("/api/generate", new { model = CompatApiServer.Beta, keep_alive = 0 })).Dispose();
    }

    [Fact]
    public async Task A_num_ctx_below_the_minimum_is_refused_naming_it()
    {
        using var http = server.Http(server.Key);

        using var response = await http.PostAsJsonAsync("/api/generate", new { model = CompatApiServer.Alpha, prompt = "hi", options = new { num_ctx = 0 } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("options.num_ctx", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
