using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Workbench.Web.Library;

namespace Workbench.Web.Tests.Api;

/// <summary>The estimate API's runtimes, quantizations and catalog GPUs, over real Kestrel on the generated demo model.</summary>
public sealed class RuntimeEstimateApiTests : IAsyncLifetime
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("workbench-runtime-api-");
    private WebApplicationFactory<Program> _factory = null!;
    private HttpClient _client = null!;
    private string _id = null!;

    public async Task InitializeAsync()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Workbench:DataDirectory", _data.FullName);
            b.UseSetting("Workbench:DiscoverKnownStores", "false");
            b.UseSetting("Workbench:Supervisor:StartLocalWorker", "false");
            b.UseSetting("urls", "http://127.0.0.1:0");
        });
        _factory.UseKestrel(0);
        _factory.StartServer();
        _client = _factory.CreateClient();
        await _factory.Services.GetRequiredService<LibraryScanService>().ScanAsync(CancellationToken.None);
        _id = (await _client.GetFromJsonAsync<JsonElement>("/workbench/v1/models"))[0].GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task The_gpu_catalog_lists_home_cards_with_memory_and_bandwidth()
    {
        var gpus = await _client.GetFromJsonAsync<JsonElement>("/workbench/v1/gpus");

        var rtx3090 = gpus.EnumerateArray().Single(g => g.GetProperty("id").GetString() == "rtx-3090");
        Assert.Equal(24L << 30, rtx3090.GetProperty("memoryBytes").GetInt64());
        Assert.Equal(936e9, rtx3090.GetProperty("bandwidthBytesPerSecond").GetDouble());
        Assert.Equal("nvidia", rtx3090.GetProperty("vendor").GetString());
        Assert.Contains(gpus.EnumerateArray(), g => g.GetProperty("unifiedMemory").GetBoolean());
    }

    [Fact]
    public async Task A_gguf_model_is_judged_as_its_exl2_version_in_exllamav2_and_a_q4_cache_is_smaller()
    {
        var fp16 = await Estimate("quant=EXL2-4.0&context=4096&gpu=rtx-3090");
        var q4 = await Estimate("quant=EXL2-4.0&context=4096&gpu=rtx-3090&exl2Cache=q4");

        Assert.Equal("exllamav2", fp16.GetProperty("runtime").GetString());
        Assert.Equal("EXL2-4.0", fp16.GetProperty("quant").GetString());
        Assert.Equal("fp16", fp16.GetProperty("exl2Cache").GetString());
        Assert.Equal("q4", q4.GetProperty("exl2Cache").GetString());
        Assert.True(q4.GetProperty("kvCacheGpuBytes").GetInt64() < fp16.GetProperty("kvCacheGpuBytes").GetInt64());
        Assert.Equal("FitsFully", fp16.GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task Gptq_in_vllm_takes_its_share_of_the_catalog_gpu_and_says_how_long_and_how_many_requests_fit()
    {
        var estimate = await Estimate("quant=GPTQ-4bit-g128&runtime=vllm&gpu=rtx-3090&gpuMemoryUtilization=0.5&context=2048");

        Assert.Equal("vllm", estimate.GetProperty("runtime").GetString());
        Assert.Equal(0.5, estimate.GetProperty("gpuMemoryUtilization").GetDouble());
        Assert.Equal(12L << 30, estimate.GetProperty("totalGpuBytes").GetInt64());
        Assert.True(estimate.GetProperty("kvCacheTokens").GetInt64() > 0);
        Assert.True(estimate.GetProperty("maxContextLength").GetInt64() > 0);
        Assert.True(estimate.GetProperty("concurrentSequences").GetDouble() > 1);
        Assert.True(estimate.GetProperty("decodeTokensPerSecondHigh").GetDouble() > 0);
    }

    [Fact]
    public async Task A_catalog_gpu_gives_a_speed_and_the_gpu_can_be_named_once_per_card()
    {
        var one = await Estimate("context=512&gpu=rtx-4090");
        var two = await Estimate("context=512&quant=EXL2-4.0&gpu=rtx-3090&gpu=rtx-3090");

        Assert.Equal("llamacpp", one.GetProperty("runtime").GetString());
        Assert.True(one.GetProperty("decodeTokensPerSecondLow").GetDouble() > 0);
        Assert.Equal(["GeForce RTX 3090", "GeForce RTX 3090"], two.GetProperty("gpus").EnumerateArray().Select(g => g.GetString()));
    }

    [Theory]
    [InlineData("runtime=tensorrt", "runtime 'tensorrt'")]
    [InlineData("exl2Cache=q5", "exl2Cache 'q5'")]
    [InlineData("gpuMemoryUtilization=1.5", "gpuMemoryUtilization")]
    [InlineData("gpuMemoryUtilization=0", "gpuMemoryUtilization")]
    [InlineData("gpu=rtx-9999", "gpu 'rtx-9999'")]
    [InlineData("gpu=rtx-3090&vramBytes=1000", "give one of them")]
    [InlineData("quant=Q9_K", "quant 'Q9_K'")]
    [InlineData("quant=EXL2-4.0&runtime=llamacpp", "runtime llamacpp does not load EXL2-4.0")]
    [InlineData("runtime=vllm", "runtime vllm does not load")]
    public async Task Bad_runtime_parameters_are_a_400_naming_what_is_wrong(string query, string expected)
    {
        var response = await _client.GetAsync(new Uri($"/workbench/v1/models/{_id}/estimate?{query}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<JsonElement> Estimate(string query) =>
        await _client.GetFromJsonAsync<JsonElement>($"/workbench/v1/models/{_id}/estimate?{query}");

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Delete(recursive: true);
    }
}
