using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Workbench.Web.Library;

namespace Workbench.Web.Tests.Library;

/// <summary>The library's JSON API through the real pipeline, on the demo model the app generates.</summary>
public sealed class LibraryApiTests : IAsyncLifetime
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("workbench-api-");
    private WebApplicationFactory<Program> _factory = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Workbench:DataDirectory", _data.FullName);
            b.UseSetting("Workbench:DiscoverKnownStores", "false");
            b.UseSetting("Workbench:Supervisor:StartLocalWorker", "false");
        });
        _client = _factory.CreateClient();
        await _factory.Services.GetRequiredService<LibraryScanService>().ScanAsync(CancellationToken.None);
    }

    [Fact]
    public async Task The_model_list_has_the_demo_model_without_its_tensor_table()
    {
        var models = await _client.GetFromJsonAsync<JsonElement>("/workbench/v1/models");

        var demo = Assert.Single(models.EnumerateArray());
        Assert.Equal("Gguf", demo.GetProperty("format").GetString());
        Assert.EndsWith("workbench-demo.gguf", demo.GetProperty("path").GetString(), StringComparison.Ordinal);
        Assert.False(demo.TryGetProperty("tensors", out _));
    }

    [Fact]
    public async Task One_model_comes_with_its_tensors()
    {
        var id = (await _client.GetFromJsonAsync<JsonElement>("/workbench/v1/models"))[0].GetProperty("id").GetString();

        var model = await _client.GetFromJsonAsync<JsonElement>($"/workbench/v1/models/{id}");

        Assert.Equal(21, model.GetProperty("tensors").GetArrayLength());
    }

    [Fact]
    public async Task An_unknown_model_is_a_404_problem_naming_the_id()
    {
        var response = await _client.GetAsync(new Uri("/workbench/v1/models/nope", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("'nope'", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rescan_is_accepted_and_its_status_can_be_polled()
    {
        var response = await _client.PostAsync(new Uri("/workbench/v1/library/rescan", UriKind.Relative), null);
        var status = await _client.GetFromJsonAsync<JsonElement>("/workbench/v1/library/scan");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.True(status.TryGetProperty("filesSeen", out _));
    }

    [Fact]
    public async Task The_openapi_document_describes_the_library_endpoints()
    {
        var document = await _client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths");

        Assert.True(paths.TryGetProperty("/workbench/v1/models", out _));
        Assert.True(paths.TryGetProperty("/workbench/v1/models/{id}", out _));
        Assert.True(paths.TryGetProperty("/workbench/v1/library/rescan", out _));
    }

    [Fact]
    public async Task The_estimate_gives_every_part_in_bytes_and_a_verdict()
    {
        var id = (await _client.GetFromJsonAsync<JsonElement>("/workbench/v1/models"))[0].GetProperty("id").GetString();

        var estimate = await _client.GetFromJsonAsync<JsonElement>($"/workbench/v1/models/{id}/estimate?context=512&kvCache=q8_0&vramBytes=8000000000");

        Assert.Equal("FitsFully", estimate.GetProperty("verdict").GetString());
        Assert.Equal("q8_0", estimate.GetProperty("kvCache").GetString());
        long Part(string name) => estimate.GetProperty(name).GetInt64();
        Assert.True(Part("kvCacheGpuBytes") > 0);
        Assert.Equal(Part("totalGpuBytes"), Part("weightsGpuBytes") + Part("kvCacheGpuBytes") + Part("computeGpuBytes") + Part("overheadBytes"));
        Assert.Equal(Part("totalRamBytes"), Part("weightsCpuBytes") + Part("kvCacheCpuBytes") + Part("computeCpuBytes") + Part("outputBufferBytes"));
    }

    [Fact]
    public async Task Parallel_sequences_hold_a_window_each_in_the_kv_cache()
    {
        var id = (await _client.GetFromJsonAsync<JsonElement>("/workbench/v1/models"))[0].GetProperty("id").GetString();

        var one = await _client.GetFromJsonAsync<JsonElement>($"/workbench/v1/models/{id}/estimate?context=512&vramBytes=0");
        var four = await _client.GetFromJsonAsync<JsonElement>($"/workbench/v1/models/{id}/estimate?context=512&vramBytes=0&sequences=4");

        Assert.Equal(4, four.GetProperty("parallelSequences").GetInt32());
        Assert.Equal(512, four.GetProperty("contextPerSequence").GetInt32());
        Assert.Equal(4 * one.GetProperty("kvCacheCpuBytes").GetInt64(), four.GetProperty("kvCacheCpuBytes").GetInt64());
    }

    [Theory]
    [InlineData("kvCache=q3_z", "kvCache")]
    [InlineData("context=5", "context")]
    [InlineData("gpuLayers=many", "gpuLayers")]
    [InlineData("vramBytes=-1", "vramBytes")]
    [InlineData("sequences=0", "sequences")]
    [InlineData("kvCache=q8_0&flashAttention=false", "flash attention")]
    public async Task Bad_estimate_parameters_are_a_400_naming_the_parameter(string query, string parameter)
    {
        var id = (await _client.GetFromJsonAsync<JsonElement>("/workbench/v1/models"))[0].GetProperty("id").GetString();

        var response = await _client.GetAsync(new Uri($"/workbench/v1/models/{id}/estimate?{query}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(parameter, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Delete(recursive: true);
    }
}
