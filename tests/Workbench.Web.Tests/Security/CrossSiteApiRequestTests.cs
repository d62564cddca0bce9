using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Workbench.Web.Tests.TestSupport;

namespace Workbench.Web.Tests.Security;

/// <summary>
/// A page on another origin (another localhost port counts) cannot drive the loopback-trusted APIs with the
/// requests browsers send without a preflight; programs, which send no Origin, keep working. Real Kestrel.
/// </summary>
public sealed class CrossSiteApiRequestTests : IAsyncLifetime
{
    private const string ForeignOrigin = "http://127.0.0.1:8999";

    private readonly RealWorkerServer _server = new(
        "cross-site",
        ("Workbench:Supervisor:StartLocalWorker", "false"),
        ("Workbench:GenerateDemoModel", "false"));

    public Task InitializeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("/v1/chat/completions", "text/plain")]
    [InlineData("/v1/completions", "application/x-www-form-urlencoded")]
    [InlineData("/api/generate", "text/plain")]
    [InlineData("/api/chat", "multipart/form-data; boundary=x")]
    [InlineData("/workbench/v1/library/rescan", "application/x-www-form-urlencoded")]
    public async Task A_simple_cross_site_post_is_refused_with_a_json_error(string path, string contentType)
    {
        using var client = _server.CreateBrowserLikeClient();

        var response = await client.SendAsync(Post(path, """{"model":"m","prompt":"hi","messages":[]}""", contentType, ForeignOrigin));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("cross_site_request", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("text/plain", null)]
    [InlineData("application/x-www-form-urlencoded", null)]
    [InlineData(null, "same-origin")]
    public async Task A_body_that_is_not_json_is_refused_with_415(string? contentType, string? origin)
    {
        using var client = _server.CreateBrowserLikeClient();
        var sameOrigin = _server.BaseAddress.GetLeftPart(UriPartial.Authority);

        var response = await client.SendAsync(Post("/api/generate", """{"model":"m","prompt":"hi"}""", contentType, origin is null ? null : sameOrigin));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("unsupported_media_type", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task An_sdk_style_json_post_without_origin_reaches_the_api()
    {
        using var client = _server.CreateBrowserLikeClient();

        var rescan = await client.SendAsync(Post("/workbench/v1/library/rescan", "{}", "application/json", null));
        var show = await client.SendAsync(Post("/api/show", """{"model":"no-such-model"}""", "application/json; charset=utf-8", null));
        var ollamaWithoutContentType = await client.SendAsync(Post("/api/show", """{"model":"no-such-model"}""", null, null));
        var sameOriginJson = await client.SendAsync(Post("/api/show", """{"model":"no-such-model"}""", "application/json", _server.BaseAddress.GetLeftPart(UriPartial.Authority)));

        Assert.Equal(HttpStatusCode.Accepted, rescan.StatusCode);
        // The endpoint itself answers: the model is unknown.
        Assert.Equal(HttpStatusCode.NotFound, show.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, ollamaWithoutContentType.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, sameOriginJson.StatusCode);
    }

    private static HttpRequestMessage Post(string path, string body, string? contentType, string? origin)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return request;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();
}
