using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Workbench.Web.Api.Compat;
using Workbench.Web.Workers;

namespace Workbench.Web.Tests.Api.Compat;

/// <summary>The API's settings at their defaults, and with loading on request turned off.</summary>
[Collection(CompatApiTestGroup.Name)]
public sealed class ApiSettingsTests(LoadingOffServer server) : IClassFixture<LoadingOffServer>
{
    [Fact]
    public async Task By_default_a_request_from_this_machine_needs_no_key()
    {
        using var http = server.Server.CreateClient();

        using var response = await http.GetAsync("/api/tags");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task By_default_the_OpenAI_SDK_on_this_machine_works_with_a_placeholder_key()
    {
        using var probe = server.Server.CreateClient();
        var openAi = new OpenAI.OpenAIClient(
            new System.ClientModel.ApiKeyCredential("not-needed"),
            new OpenAI.OpenAIClientOptions { Endpoint = new Uri(probe.BaseAddress!, "v1") });

        var models = await openAi.GetOpenAIModelClient().GetModelsAsync();

        Assert.Equal(2, models.Value.Count);
    }

    [Fact]
    public async Task With_loading_off_a_model_that_is_not_loaded_is_refused_naming_the_loaded_one()
    {
        var alpha = server.Server.Services.GetRequiredService<CompatModelResolver>().Models.Single(m => m.Name == CompatApiServer.Alpha);
        var loaded = await server.Server.Services.GetRequiredService<WorkerGateway>().LoadModelAsync(new(alpha.Path, 512), CancellationToken.None);
        Assert.True(loaded.Succeeded, loaded.Error);
        using var http = server.Server.CreateClient();

        using var response = await http.PostAsJsonAsync("/v1/chat/completions", new
        {
            model = CompatApiServer.Beta,
            messages = new[] { new { role = "user", content = "hi" } },
        });
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("model_not_loaded", json.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("The loaded model is 'alpha'", json.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
