using System.Net;
using System.Text.Json;

namespace Workbench.Web.Tests.Api.Compat;

/// <summary>Every path under /v1 and /api answers JSON in that API's error shape; HEAD / is the ollama CLI's heartbeat.</summary>
[Collection(CompatApiTestGroup.Name)]
public sealed class EndpointCoverageTests(CompatApiServer server)
{
    public static TheoryData<string, string, HttpStatusCode, string> Refused => new()
    {
        { "POST", "/api/pull", HttpStatusCode.NotImplemented, "model library" },
        { "POST", "/api/push", HttpStatusCode.NotImplemented, "model library" },
        { "POST", "/api/create", HttpStatusCode.NotImplemented, "model library" },
        { "POST", "/api/copy", HttpStatusCode.NotImplemented, "model library" },
        { "DELETE", "/api/delete", HttpStatusCode.NotImplemented, "model library" },
        { "HEAD", "/api/blobs/sha256:00", HttpStatusCode.NotImplemented, string.Empty },
        { "POST", "/api/nothing-here", HttpStatusCode.NotFound, "/api/chat" },
        { "GET", "/api/chat", HttpStatusCode.MethodNotAllowed, "POST" },
        { "POST", "/v1/images/generations", HttpStatusCode.NotImplemented, "text models" },
        { "GET", "/v1/nothing-here", HttpStatusCode.NotFound, "/v1/chat/completions" },
        { "GET", "/v1/chat/completions", HttpStatusCode.MethodNotAllowed, "POST" },
        { "GET", "/v1/models/no-such-model", HttpStatusCode.NotFound, "no-such-model" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task An_unknown_or_unsupported_endpoint_answers_JSON_in_the_API_shape(string method, string path, HttpStatusCode status, string messagePart)
    {
        using var http = server.Http(server.Key);

        using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "GET" || method == "HEAD" ? null : JsonContent("{}") });

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode}: {body}");
        if (method == "HEAD")
        {
            return;
        }

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        var error = json.RootElement.GetProperty("error");
        var message = path.StartsWith("/v1/", StringComparison.Ordinal) ? error.GetProperty("message").GetString() : error.GetString();
        Assert.Contains(messagePart, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GET_v1_models_id_describes_one_model()
    {
        using var http = server.Http(server.Key);

        using var json = JsonDocument.Parse(await http.GetStringAsync($"/v1/models/{CompatApiServer.Alpha}"));

        Assert.Equal(CompatApiServer.Alpha, json.RootElement.GetProperty("id").GetString());
        Assert.Equal("model", json.RootElement.GetProperty("object").GetString());
    }

    [Fact]
    public async Task HEAD_root_answers_200_without_a_key()
    {
        using var http = server.Http();

        using var response = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task GET_root_is_still_the_dashboard_behind_its_sign_in()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };

        using var response = await http.GetAsync("/");

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
    }

    private static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
