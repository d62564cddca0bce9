using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenAI.Chat;

namespace Workbench.Web.Tests.Api.Compat;

/// <summary>
/// JSON mode and schemas are enforced with a grammar: even the demo model, whose free text is gibberish, answers JSON
/// that parses and follows the schema.
/// </summary>
[Collection(CompatApiTestGroup.Name)]
public sealed class StructuredOutputTests(CompatApiServer server)
{
    private const string PersonSchema = """
        {"type":"object","properties":{"name":{"type":"string","maxLength":12},"age":{"type":"integer"},"member":{"type":"boolean"},
         "colour":{"enum":["red","green","blue"]},"tags":{"type":"array","items":{"type":"string","maxLength":6},"maxItems":3}},
         "required":["name","age","member","colour","tags"],"additionalProperties":false}
        """;

    [Fact]
    public async Task The_OpenAI_SDK_json_schema_answer_parses_and_follows_the_schema()
    {
        var chat = server.OpenAi().GetChatClient(CompatApiServer.Alpha);
        var options = new ChatCompletionOptions
        {
            ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("person", BinaryData.FromString(PersonSchema), jsonSchemaIsStrict: true),
            MaxOutputTokenCount = 300,
        };

        ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("Describe a person")], options);

        AssertPerson(completion.Content[0].Text);
    }

    [Fact]
    public async Task Ollama_format_schema_answer_parses_and_follows_the_schema()
    {
        using var http = server.Http(server.Key);
        using var schema = JsonDocument.Parse(PersonSchema);

        using var response = await http.PostAsJsonAsync("/api/chat", new
        {
            model = CompatApiServer.Alpha,
            messages = new[] { new { role = "user", content = "Describe a person" } },
            format = schema.RootElement,
            stream = false,
            options = new { num_predict = 300, seed = 3 },
        });
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        AssertPerson(json.RootElement.GetProperty("message").GetProperty("content").GetString()!);
    }

    [Theory]
    [InlineData("/v1/chat/completions")]
    [InlineData("/api/generate")]
    public async Task JSON_mode_answers_an_object_that_parses(string path)
    {
        using var http = server.Http(server.Key);
        object body = path == "/api/generate"
            ? new { model = CompatApiServer.Alpha, prompt = "Reply in JSON", format = "json", stream = false, options = new { num_predict = 300, seed = 5 } }
            : new { model = CompatApiServer.Alpha, messages = new[] { new { role = "user", content = "Reply in JSON" } }, response_format = new { type = "json_object" }, max_tokens = 300, seed = 5 };

        using var response = await http.PostAsJsonAsync(path, body);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        var text = path == "/api/generate"
            ? json.RootElement.GetProperty("response").GetString()!
            : json.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
        using var answer = JsonDocument.Parse(text);
        Assert.Equal(JsonValueKind.Object, answer.RootElement.ValueKind);
    }

    [Theory]
    [InlineData("/v1/chat/completions", """{"model":"alpha","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"object","properties":{"age":{"type":"integer","minimum":0}}}}}}""", "response_format.json_schema.schema.properties.age.minimum")]
    [InlineData("/v1/chat/completions", """{"model":"alpha","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"yaml"}}""", "response_format.type")]
    [InlineData("/api/chat", """{"model":"alpha","messages":[{"role":"user","content":"hi"}],"format":{"type":"string","pattern":"a+"}}""", "format.pattern")]
    [InlineData("/api/generate", """{"model":"alpha","prompt":"hi","format":"yaml"}""", "format")]
    [InlineData("/v1/chat/completions", """{"model":"alpha","messages":[{"role":"user","content":"hi"}],"logprobs":"yes"}""", "logprobs")]
    [InlineData("/v1/chat/completions", """{"model":"alpha","messages":[{"role":"user","content":"hi"}],"top_logprobs":3}""", "top_logprobs")]
    [InlineData("/v1/chat/completions", """{"model":"alpha","messages":[{"role":"user","content":"hi"}],"logprobs":true,"top_logprobs":21}""", "top_logprobs")]
    [InlineData("/v1/completions", """{"model":"alpha","prompt":"hi","logprobs":6}""", "logprobs")]
    [InlineData("/v1/completions", """{"model":"alpha","prompt":"hi","logprobs":1,"echo":true}""", "echo")]
    [InlineData("/api/generate", """{"model":"alpha","prompt":"hi","logprobs":true,"top_logprobs":-1}""", "top_logprobs")]
    [InlineData("/api/chat", """{"model":"alpha","messages":[{"role":"user","content":"hi"}],"top_logprobs":2}""", "top_logprobs")]
    public async Task An_unsupported_format_or_bad_logprobs_is_refused_naming_the_field(string path, string body, string field)
    {
        using var http = server.Http(server.Key);

        using var response = await http.PostAsync(path, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        using var json = JsonDocument.Parse(text);
        var error = json.RootElement.GetProperty("error");
        if (path.StartsWith("/v1/", StringComparison.Ordinal))
        {
            Assert.Equal(field, error.GetProperty("param").GetString());
        }
        else
        {
            Assert.Contains(field.Split('.')[^1], error.GetString(), StringComparison.Ordinal);
        }
    }

    private static void AssertPerson(string text)
    {
        using var person = JsonDocument.Parse(text);
        var root = person.RootElement;
        Assert.Equal(["name", "age", "member", "colour", "tags"], root.EnumerateObject().Select(p => p.Name));
        Assert.InRange(root.GetProperty("name").GetString()!.Length, 0, 12);
        Assert.True(root.GetProperty("age").TryGetInt64(out _), text);
        Assert.True(root.GetProperty("member").ValueKind is JsonValueKind.True or JsonValueKind.False, text);
        Assert.True(root.GetProperty("colour").GetString() is "red" or "green" or "blue", text);
        Assert.InRange(root.GetProperty("tags").GetArrayLength(), 0, 3);
    }
}
