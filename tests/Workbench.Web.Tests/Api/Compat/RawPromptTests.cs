using System.Net.Http.Json;
using System.Text.Json;

namespace Workbench.Web.Tests.Api.Compat;

/// <summary>Ollama's raw prompts and OpenAI's text completions reach the model as they are, without the chat template.</summary>
[Collection(CompatApiTestGroup.Name)]
public sealed class RawPromptTests(CompatApiServer server)
{
    [Fact]
    public async Task A_raw_generate_prompt_is_not_wrapped_in_the_chat_template()
    {
        using var http = server.Http(server.Key);

        var templated = await PromptTokensAsync(http, raw: false);
        var raw = await PromptTokensAsync(http, raw: true);

        Assert.True(raw < templated, $"raw {raw} tokens, templated {templated}");
    }

    [Fact]
    public async Task A_text_completion_takes_its_prompt_raw_and_echo_sends_it_back()
    {
        using var http = server.Http(server.Key);

        using var response = await http.PostAsJsonAsync("/v1/completions", new { model = CompatApiServer.Alpha, prompt = "hello world", max_tokens = 3, echo = true });
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.StartsWith("hello world", json.RootElement.GetProperty("choices")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(await PromptTokensAsync(http, raw: true), json.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    private static async Task<int> PromptTokensAsync(HttpClient http, bool raw)
    {
        using var response = await http.PostAsJsonAsync("/api/generate", new
        {
            model = CompatApiServer.Alpha,
            prompt = "hello world",
            raw,
            stream = false,
            options = new { num_predict = 1 },
        });
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("prompt_eval_count").GetInt32();
    }
}
