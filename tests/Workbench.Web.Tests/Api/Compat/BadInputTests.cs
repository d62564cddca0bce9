using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Workbench.Web.Api.Compat;

namespace Workbench.Web.Tests.Api.Compat;

/// <summary>
/// Bad requests to every endpoint get a 4xx in the API's own error shape with a message, never a 500.
/// Raw HTTP, since the SDKs cannot send malformed JSON.
/// </summary>
[Collection(CompatApiTestGroup.Name)]
public sealed class BadInputTests(CompatApiServer server)
{
    public static TheoryData<string> PostEndpoints => ["/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/api/chat", "/api/generate"];

    public static TheoryData<string, string> Endpoints => new()
    {
        { "GET", "/v1/models" },
        { "POST", "/v1/chat/completions" },
        { "POST", "/v1/completions" },
        { "POST", "/v1/embeddings" },
        { "GET", "/api/tags" },
        { "GET", "/api/ps" },
        { "GET", "/api/version" },
        { "POST", "/api/chat" },
        { "POST", "/api/generate" },
    };

    public static TheoryData<string, string, string> WrongTypes => new()
    {
        { "/v1/chat/completions", """{"model":"alpha","messages":"hello"}""", "messages" },
        { "/v1/chat/completions", """{"model":"alpha","messages":[{"role":"user","content":"hi"}],"temperature":"hot"}""", "temperature" },
        { "/v1/completions", """{"model":"alpha","prompt":42}""", "prompt" },
        { "/v1/embeddings", """{"model":5,"input":"x"}""", "model" },
        { "/api/chat", """{"model":"alpha","messages":[{"role":"user","content":"hi"}],"options":{"temperature":"hot"}}""", "temperature" },
        { "/api/generate", """{"model":"alpha","prompt":"hi","stream":"yes"}""", "stream" },
    };

    public static TheoryData<string, string, string> OutOfRangeOrUnsupported => new()
    {
        { "/v1/chat/completions", """{"model":"alpha","messages":[{"role":"user","content":"hi"}],"max_tokens":1000000000000}""", "max_tokens" },
        { "/v1/chat/completions", """{"model":"alpha","messages":[{"role":"user","content":"hi"}],"max_completion_tokens":0}""", "max_tokens" },
        { "/v1/chat/completions", """{"model":"alpha","messages":[{"role":"user","content":"hi"}],"temperature":2.5}""", "temperature" },
        { "/v1/chat/completions", """{"model":"alpha","messages":[{"role":"user","content":"hi"}],"stop":["a","b","c","d","e"]}""", "stop" },
        { "/v1/chat/completions", """{"model":"alpha","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f"}}]}""", "Tool calling" },
        { "/v1/chat/completions", """{"model":"alpha","messages":[{"role":"tool","content":"42"}]}""", "role" },
        { "/v1/completions", """{"model":"alpha","prompt":"hi","max_tokens":99999999}""", "max_tokens" },
        { "/v1/completions", """{"model":"alpha","prompt":"hi","top_p":1.5}""", "top_p" },
        { "/api/chat", """{"model":"alpha","messages":[{"role":"user","content":"hi"}],"options":{"num_predict":1000000000000}}""", "num_predict" },
        { "/api/generate", """{"model":"alpha","prompt":"hi","options":{"temperature":-1}}""", "temperature" },
        { "/api/generate", """{"model":"alpha","prompt":"def f(","suffix":"return 1"}""", "fill-in-the-middle" },
        { "/v1/completions", """{"model":"alpha","prompt":"def f(","suffix":"return 1"}""", "fill-in-the-middle" },
        { "/api/chat", """{"model":"alpha","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function"}]}""", "Tool calling" },
        { "/api/generate", """{"model":"alpha","prompt":"hi","options":{"seed":-5}}""", "seed" },
    };

    public static TheoryData<string, string> MissingModel => new()
    {
        { "/v1/chat/completions", """{"messages":[{"role":"user","content":"hi"}]}""" },
        { "/v1/completions", """{"prompt":"hi"}""" },
        { "/api/chat", """{"messages":[{"role":"user","content":"hi"}]}""" },
        { "/api/generate", """{"prompt":"hi"}""" },
    };

    [Theory]
    [MemberData(nameof(PostEndpoints))]
    public async Task Malformed_JSON_is_answered_400_with_a_message(string path)
    {
        using var response = await PostAsync(path, """{"model": "alpha", "messages": [""");

        await AssertErrorAsync(response, path, HttpStatusCode.BadRequest, "not valid JSON");
    }

    [Theory]
    [MemberData(nameof(WrongTypes))]
    public async Task A_field_of_the_wrong_type_is_answered_400_naming_it(string path, string body, string field)
    {
        using var response = await PostAsync(path, body);

        await AssertErrorAsync(response, path, HttpStatusCode.BadRequest, field);
    }

    [Theory]
    [MemberData(nameof(WrongTypes))]
    public async Task A_wrong_type_is_named_as_the_client_wrote_it_without_dotnet_types(string path, string body, string field)
    {
        using var response = await PostAsync(path, body);

        var message = await AssertErrorAsync(response, path, HttpStatusCode.BadRequest, $"'{(path.StartsWith("/api/chat", StringComparison.Ordinal) ? "options." : string.Empty)}{field}'");
        Assert.DoesNotContain("$.", message, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Workbench.", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"model":"alpha","messages":[{"role":"user","content":[{"type":"text","text":"what is this?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]}]}""", "images, audio and files are not supported")]
    [InlineData("""{"model":"alpha","messages":[{"role":"user","content":"hi"},{"role":"tool","tool_call_id":"1","content":"42"}]}""", "tool calling is not supported")]
    [InlineData("""{"model":"alpha","messages":[{"role":"user","content":"hi"},{"role":"assistant","content":null,"tool_calls":[]}]}""", "only calls tools")]
    public async Task Images_and_tool_messages_are_refused_saying_what_is_not_supported(string body, string messagePart)
    {
        using var response = await PostAsync("/v1/chat/completions", body);

        var message = await AssertErrorAsync(response, "/v1/chat/completions", HttpStatusCode.BadRequest, messagePart);
        Assert.DoesNotContain("not valid JSON", message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(OutOfRangeOrUnsupported))]
    public async Task An_out_of_range_or_unsupported_parameter_is_answered_400_naming_it(string path, string body, string parameter)
    {
        using var response = await PostAsync(path, body);

        await AssertErrorAsync(response, path, HttpStatusCode.BadRequest, parameter);
    }

    [Theory]
    [MemberData(nameof(MissingModel))]
    public async Task A_request_without_a_model_is_answered_400(string path, string body)
    {
        using var response = await PostAsync(path, body);

        await AssertErrorAsync(response, path, HttpStatusCode.BadRequest, "must name a model");
    }

    [Theory]
    [InlineData("/v1/chat/completions", """{"model":"gamma","messages":[{"role":"user","content":"hi"}]}""")]
    [InlineData("/v1/completions", """{"model":"gamma","prompt":"hi"}""")]
    [InlineData("/api/chat", """{"model":"gamma","messages":[{"role":"user","content":"hi"}]}""")]
    [InlineData("/api/generate", """{"model":"gamma","prompt":"hi"}""")]
    public async Task An_unknown_model_is_answered_404_listing_the_available_ones(string path, string body)
    {
        using var response = await PostAsync(path, body);

        var message = await AssertErrorAsync(response, path, HttpStatusCode.NotFound, "'gamma' is not in the library");
        Assert.Contains(CompatApiServer.Alpha, message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(PostEndpoints))]
    public async Task An_oversized_body_is_answered_413(string path)
    {
        var body = $$"""{"model":"alpha","prompt":"{{new string('x', 70_000)}}"}""";

        using var response = await PostAsync(path, body);

        await AssertErrorAsync(response, path, HttpStatusCode.RequestEntityTooLarge, "larger than");
    }

    [Fact]
    public async Task Embeddings_without_input_or_with_token_arrays_are_refused_with_a_clear_400()
    {
        using var missing = await PostAsync("/v1/embeddings", """{"model":"alpha"}""");
        using var tokens = await PostAsync("/v1/embeddings", """{"model":"alpha","input":[[1,2,3]]}""");

        await AssertErrorAsync(missing, "/v1/embeddings", HttpStatusCode.BadRequest, "'input' is required");
        await AssertErrorAsync(tokens, "/v1/embeddings", HttpStatusCode.BadRequest, "token arrays are not accepted");
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task A_request_without_a_key_is_answered_401(string method, string path)
    {
        using var http = server.Http();

        using var response = await http.SendAsync(Request(method, path));

        await AssertErrorAsync(response, path, HttpStatusCode.Unauthorized, "needs a key");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task A_revoked_key_is_answered_401(string method, string path)
    {
        var keys = server.Get<ApiKeyStore>();
        var created = await keys.CreateAsync("to revoke");
        using var http = server.Http(created.Secret);
        using (var before = await http.GetAsync("/v1/models"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        Assert.True(await keys.RevokeAsync(created.Key.Id));
        using var response = await http.SendAsync(Request(method, path));

        await AssertErrorAsync(response, path, HttpStatusCode.Unauthorized, "revoked");
    }

    [Fact]
    public async Task A_made_up_key_is_answered_401()
    {
        using var http = server.Http("wb_not-a-real-key");

        using var response = await http.GetAsync("/v1/models");

        await AssertErrorAsync(response, "/v1/models", HttpStatusCode.Unauthorized, "not valid");
    }

    private async Task<HttpResponseMessage> PostAsync(string path, string body)
    {
        using var http = server.Http(server.Key);
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        return await http.PostAsync(path, content);
    }

    private static HttpRequestMessage Request(string method, string path) =>
        new(new HttpMethod(method), path)
        {
            Content = method == "POST" ? new StringContent("""{"model":"alpha","prompt":"hi"}""", Encoding.UTF8, new MediaTypeHeaderValue("application/json")) : null,
        };

    /// <summary>Checks the status and the API's error shape; returns the message.</summary>
    private static async Task<string> AssertErrorAsync(HttpResponseMessage response, string path, HttpStatusCode status, string messagePart)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        var error = json.RootElement.GetProperty("error");
        string message;
        if (path.StartsWith("/v1/", StringComparison.Ordinal))
        {
            message = error.GetProperty("message").GetString()!;
            Assert.False(string.IsNullOrEmpty(error.GetProperty("type").GetString()));
            Assert.True(error.TryGetProperty("param", out _) && error.TryGetProperty("code", out _), body);
        }
        else
        {
            message = error.GetString()!;
        }

        Assert.Contains(messagePart, message, StringComparison.Ordinal);
        return message;
    }
}
