using System.Net;
using System.Net.Http.Json;

namespace Workbench.Web.Tests.Api.Compat;

/// <summary>CORS opens /v1 and /api to the listed origins only, preflight included, and never the dashboard.</summary>
[Collection(CompatApiTestGroup.Name)]
public sealed class ApiCorsTests(CompatApiServer server)
{
    [Theory]
    [InlineData("/v1/chat/completions")]
    [InlineData("/api/chat")]
    public async Task A_preflight_from_a_listed_origin_is_allowed(string path)
    {
        using var http = server.Http();

        using var response = await http.SendAsync(Preflight(path, CompatApiServer.AllowedOrigin));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(CompatApiServer.AllowedOrigin, Header(response, "Access-Control-Allow-Origin"));
        Assert.Contains("POST", Header(response, "Access-Control-Allow-Methods"), StringComparison.Ordinal);
        Assert.Contains("authorization", Header(response, "Access-Control-Allow-Headers"), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("/v1/chat/completions")]
    [InlineData("/workbench/v1/hardware")]
    public async Task A_foreign_origin_or_the_dashboard_gets_no_CORS_headers(string path)
    {
        using var http = server.Http();

        using var foreign = await http.SendAsync(Preflight(path, "http://evil.example"));
        using var dashboard = await http.SendAsync(Preflight("/workbench/v1/hardware", CompatApiServer.AllowedOrigin));

        Assert.Null(Header(foreign, "Access-Control-Allow-Origin"));
        Assert.Null(Header(dashboard, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_request_from_a_listed_origin_passes_the_cross_site_check_and_carries_the_header()
    {
        using var http = server.Http(server.Key);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/show") { Content = JsonContent.Create(new { model = CompatApiServer.Alpha }) };
        request.Headers.Add("Origin", CompatApiServer.AllowedOrigin);

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(CompatApiServer.AllowedOrigin, Header(response, "Access-Control-Allow-Origin"));
    }

    private static HttpRequestMessage Preflight(string path, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization, content-type");
        return request;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null;
}
