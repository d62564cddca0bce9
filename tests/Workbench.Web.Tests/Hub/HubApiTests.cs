using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Workbench.Core.Gguf;
using Workbench.Core.Tests.Formats;
using Workbench.Core.Tests.TestSupport;
using Workbench.Web.Library;

using Workbench.Web.Tests.TestSupport;

namespace Workbench.Web.Tests.Hub;

/// <summary>
/// The hub API through the real pipeline against the local hub-compatible server, whose repositories are also the
/// library's model folder: each row must equal the estimate the library gives for the same files on disk.
/// </summary>
public sealed class HubApiTests : IAsyncLifetime
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("workbench-hub-");
    private LocalHub _hub = null!;
    private WebApplicationFactory<Program> _factory = null!;
    private HttpClient _client = null!;

    private string Models => Path.Combine(_data.FullName, "models-root");

    public async Task InitializeAsync()
    {
        _hub = await LocalHub.StartAsync();
        var gguf = Path.Combine(Models, "acme", "Medium-GGUF");
        HubModelFixtures.WriteModel(Path.Combine(gguf, "medium-F16.gguf"));
        HubModelFixtures.WriteModel(Path.Combine(gguf, "medium-F32.gguf"), GgmlType.F32);
        var whole = HubModelFixtures.WriteModel(Path.Combine(_data.FullName, "source", "medium.gguf"));
        HubModelFixtures.Split(whole, gguf, "medium-split", 2);
        _hub.AddRepo("acme/Medium-GGUF", gguf);
        var gptq = TinyModel.WriteFolder(Path.Combine(Models, "acme", "Tiny-GPTQ"), TinyModel.Gptq(), TinyModel.Config(),
            ("quantize_config.json", """{"bits": 4, "group_size": 128, "desc_act": false, "sym": true}"""));
        _hub.AddRepo("acme/Tiny-GPTQ", gptq, tags: "gptq");
        _factory = Start();
        _client = _factory.CreateClient();
        await _factory.Services.GetRequiredService<LibraryScanService>().ScanAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        await _hub.DisposeAsync();
        _data.Delete(recursive: true);
    }

    private WebApplicationFactory<Program> Start() => HubDashboard.Start(_hub, _data.FullName, Models, b =>
    {
        b.UseSetting("Workbench:HuggingFace:InitialHeaderKiB", "16");
    });

    private static JsonElement Row(JsonElement repo, string name) =>
        repo.GetProperty("files").EnumerateArray().Single(r => r.GetProperty("name").GetString() == name);

    private async Task<JsonElement> LocalEstimateAsync(string fileName, string query)
    {
        var models = await _client.GetFromJsonAsync<JsonElement>("/workbench/v1/models");
        var id = models.EnumerateArray().Single(m => m.GetProperty("path").GetString()!.EndsWith(fileName, StringComparison.Ordinal)).GetProperty("id").GetString();
        return await _client.GetFromJsonAsync<JsonElement>($"/workbench/v1/models/{id}/estimate?{query}");
    }

    private static void AssertSameEstimate(JsonElement local, JsonElement remote)
    {
        foreach (var property in local.EnumerateObject().Where(p => p.Name != "modelId"))
        {
            Assert.Equal(property.Value.ToString(), remote.GetProperty(property.Name).ToString());
        }
    }

    [Theory]
    [InlineData("context=2048&vramBytes=8000000000")]
    [InlineData("context=4096&kvCache=q8_0&vramBytes=1500000")]
    [InlineData("context=1024&sequences=2")]
    public async Task Every_row_equals_the_estimate_of_the_same_files_on_disk(string query)
    {
        var repo = await _client.GetFromJsonAsync<JsonElement>($"/workbench/v1/hub/models/acme/Medium-GGUF?{query}");
        var gptq = await _client.GetFromJsonAsync<JsonElement>($"/workbench/v1/hub/models/acme/Tiny-GPTQ?{query}");

        AssertSameEstimate(await LocalEstimateAsync("medium-F16.gguf", query), Row(repo, "medium-F16.gguf").GetProperty("estimate"));
        AssertSameEstimate(await LocalEstimateAsync("medium-F32.gguf", query), Row(repo, "medium-F32.gguf").GetProperty("estimate"));
        AssertSameEstimate(await LocalEstimateAsync("medium-split-00001-of-00002.gguf", query), Row(repo, "medium-split").GetProperty("estimate"));
        AssertSameEstimate(await LocalEstimateAsync("Tiny-GPTQ", query), Row(gptq, "Tiny-GPTQ").GetProperty("estimate"));
    }

    [Fact]
    public async Task Rows_describe_their_files_and_read_only_a_small_part_of_them()
    {
        var repo = await _client.GetFromJsonAsync<JsonElement>("/workbench/v1/hub/models/acme/Medium-GGUF?context=2048");

        var split = Row(repo, "medium-split");
        Assert.Equal("GgufSplit", split.GetProperty("kind").GetString());
        Assert.Equal(2, split.GetProperty("files").GetArrayLength());
        foreach (var row in repo.GetProperty("files").EnumerateArray())
        {
            var size = row.GetProperty("sizeBytes").GetInt64();
            var read = row.GetProperty("headerBytesRead").GetInt64();
            Assert.True(read > 0 && read < size / 10, $"{row.GetProperty("name")}: read {read:N0} of {size:N0}");
            Assert.All(row.GetProperty("files").EnumerateArray(), f => Assert.Equal(64, f.GetProperty("sha256").GetString()!.Length));
        }

        Assert.Equal("F16", Row(repo, "medium-F16.gguf").GetProperty("format").GetString());
        Assert.True(repo.GetProperty("freeDiskBytes").GetInt64() > 0);
        Assert.Equal(Models, repo.GetProperty("targetFolder").GetString());
        Assert.Equal("GPTQ", (await _client.GetFromJsonAsync<JsonElement>("/workbench/v1/hub/models/acme/Tiny-GPTQ")).GetProperty("files")[0].GetProperty("format").GetString()![..4]);
    }

    [Fact]
    public async Task A_float32_folder_is_sized_by_its_tensor_bytes_and_equals_the_estimate_on_disk()
    {
        var f32Weights = TinyModel.Unquantized("F32");
        var f16Weights = TinyModel.Unquantized("F16");
        _hub.AddRepo("acme/Tiny-F32", TinyModel.WriteFolder(Path.Combine(Models, "acme", "Tiny-F32"), f32Weights, TinyModel.Config(torchDtype: "float32")));
        _hub.AddRepo("acme/Tiny-F16", TinyModel.WriteFolder(Path.Combine(Models, "acme", "Tiny-F16"), f16Weights, TinyModel.Config()));
        await _factory.Services.GetRequiredService<LibraryScanService>().ScanAsync(CancellationToken.None);
        const string query = "context=2048&vramBytes=8000000000";

        var f32 = (await _client.GetFromJsonAsync<JsonElement>($"/workbench/v1/hub/models/acme/Tiny-F32?{query}")).GetProperty("files")[0];
        var f16 = (await _client.GetFromJsonAsync<JsonElement>($"/workbench/v1/hub/models/acme/Tiny-F16?{query}")).GetProperty("files")[0];

        Assert.Equal(("FP32", "Safetensors"), (f32.GetProperty("format").GetString(), f32.GetProperty("modelFormat").GetString()));
        Assert.Equal(f32Weights.TensorBytes, Weights(f32.GetProperty("estimate")));
        Assert.Equal(f16Weights.TensorBytes, Weights(f16.GetProperty("estimate")));
        Assert.Equal(2 * Weights(f16.GetProperty("estimate")), Weights(f32.GetProperty("estimate")));
        AssertSameEstimate(await LocalEstimateAsync("Tiny-F32", query), f32.GetProperty("estimate"));
    }

    [Theory]
    [InlineData("BF16", "bfloat16", null, "BF16")]
    [InlineData("F8_E4M3", "bfloat16", """{"quant_method": "fp8", "activation_scheme": "dynamic"}""", "FP8")]
    public async Task A_plain_or_fp8_folder_weighs_its_tensor_bytes_on_the_hub_and_on_disk(string dtype, string torchDtype, string? quantization, string label)
    {
        var weights = TinyModel.Unquantized(dtype);
        var name = $"Tiny-{dtype}";
        _hub.AddRepo($"acme/{name}", TinyModel.WriteFolder(Path.Combine(Models, "acme", name), weights, TinyModel.Config(quantization, torchDtype)));
        await _factory.Services.GetRequiredService<LibraryScanService>().ScanAsync(CancellationToken.None);
        const string query = "context=4096&vramBytes=8000000000";

        var row = (await _client.GetFromJsonAsync<JsonElement>($"/workbench/v1/hub/models/acme/{name}?{query}")).GetProperty("files")[0];
        var local = await LocalEstimateAsync(name, query);

        Assert.StartsWith(label, row.GetProperty("format").GetString(), StringComparison.Ordinal);
        Assert.Equal(weights.TensorBytes, Weights(row.GetProperty("estimate")));
        Assert.Equal(weights.TensorBytes, Weights(local));
        AssertSameEstimate(local, row.GetProperty("estimate"));
    }

    [Fact]
    public async Task Each_branch_of_an_exl2_repository_is_a_row_at_its_own_bit_rate()
    {
        var main = Directory.CreateDirectory(Path.Combine(_data.FullName, "exl2-main")).FullName;
        File.WriteAllText(Path.Combine(main, "README.md"), "Each bit rate is on its own branch.");
        _hub.AddRepo("acme/Small-EXL2", main);
        var four = _hub.AddRepo("acme/Small-EXL2", HubModelFixtures.WriteExl2Folder(Path.Combine(_data.FullName, "exl2-4"), 4), "4.0bpw");
        var six = _hub.AddRepo("acme/Small-EXL2", HubModelFixtures.WriteExl2Folder(Path.Combine(_data.FullName, "exl2-6"), 6), "6.0bpw");

        var repo = await _client.GetFromJsonAsync<JsonElement>("/workbench/v1/hub/models/acme/Small-EXL2?context=2048&vramBytes=8000000000");

        var rows = repo.GetProperty("files").EnumerateArray().OrderBy(r => r.GetProperty("revision").GetString(), StringComparer.Ordinal).ToList();
        Assert.Equal([("4.0bpw", four), ("6.0bpw", six)], rows.Select(r => (r.GetProperty("revision").GetString(), r.GetProperty("commit").GetString())));
        Assert.Equal(["EXL2 4 bpw", "EXL2 6 bpw"], rows.Select(r => r.GetProperty("format").GetString()));
        Assert.All(rows, r => Assert.Equal("Exl2", r.GetProperty("modelFormat").GetString()));
        Assert.True(Weights(rows[1].GetProperty("estimate")) > Weights(rows[0].GetProperty("estimate")), "6 bits per weight need more than 4");
        Assert.All(rows, r => Assert.True(r.GetProperty("headerBytesRead").GetInt64() < r.GetProperty("sizeBytes").GetInt64() / 50));
    }

    [Fact]
    public async Task The_revision_asked_for_comes_first_and_names_the_repository()
    {
        _hub.AddRepo("acme/Two-EXL2", HubModelFixtures.WriteExl2Folder(Path.Combine(_data.FullName, "two-4"), 4), "4.0bpw");
        var six = _hub.AddRepo("acme/Two-EXL2", HubModelFixtures.WriteExl2Folder(Path.Combine(_data.FullName, "two-6"), 6), "6.0bpw");

        var repo = await _client.GetFromJsonAsync<JsonElement>("/workbench/v1/hub/models/acme/Two-EXL2?revision=6.0bpw");

        Assert.Equal(("6.0bpw", six), (repo.GetProperty("revision").GetString(), repo.GetProperty("commit").GetString()));
        Assert.Equal(["6.0bpw", "4.0bpw"], repo.GetProperty("files").EnumerateArray().Select(r => r.GetProperty("revision").GetString()));
    }

    private static long Weights(JsonElement estimate) => estimate.GetProperty("weightsGpuBytes").GetInt64() + estimate.GetProperty("weightsCpuBytes").GetInt64();

    [Fact]
    public async Task A_restarted_dashboard_reads_the_headers_from_its_cache_not_the_hub()
    {
        await _client.GetFromJsonAsync<JsonElement>("/workbench/v1/hub/models/acme/Medium-GGUF");
        var servedBefore = _hub.BytesServed.Values.Sum();
        await _factory.DisposeAsync();
        _factory = Start();
        _client = _factory.CreateClient();

        var repo = await _client.GetFromJsonAsync<JsonElement>("/workbench/v1/hub/models/acme/Medium-GGUF");

        Assert.Equal(servedBefore, _hub.BytesServed.Values.Sum());
        Assert.All(repo.GetProperty("files").EnumerateArray(), r => Assert.Equal(0, r.GetProperty("headerBytesRead").GetInt64()));
        Assert.Equal(JsonValueKind.Object, Row(repo, "medium-F16.gguf").GetProperty("estimate").ValueKind);
    }

    [Fact]
    public async Task A_hostile_file_is_a_row_with_the_reason_and_the_others_still_estimate()
    {
        var folder = Path.Combine(_data.FullName, "hostile");
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "evil.gguf"), [.. "GGUF"u8, 3, 0, 0, 0, .. BitConverter.GetBytes(ulong.MaxValue / 2), .. new byte[50_000]]);
        HubModelFixtures.WriteModel(Path.Combine(folder, "good.gguf"));
        _hub.AddRepo("acme/Hostile", folder);

        var repo = await _client.GetFromJsonAsync<JsonElement>("/workbench/v1/hub/models/acme/Hostile");

        Assert.Contains("tensors", Row(repo, "evil.gguf").GetProperty("problem").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, Row(repo, "evil.gguf").GetProperty("estimate").ValueKind);
        Assert.Equal(JsonValueKind.Object, Row(repo, "good.gguf").GetProperty("estimate").ValueKind);
    }

    [Fact]
    public async Task Search_lists_repositories_with_the_tag()
    {
        var found = await _client.GetFromJsonAsync<JsonElement>("/workbench/v1/hub/models?search=acme&filter=gguf");

        Assert.Equal(["acme/Medium-GGUF"], found.EnumerateArray().Select(m => m.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task An_unknown_repository_is_a_404_and_a_gated_one_asks_for_a_token()
    {
        _hub.Token = "hf_x";
        _hub.AddRepo("acme/Gated", Path.Combine(Models, "acme", "Tiny-GPTQ"), gated: true);

        var missing = await _client.GetAsync(new Uri("/workbench/v1/hub/models/acme/Nope", UriKind.Relative));
        var gated = await _client.GetAsync(new Uri("/workbench/v1/hub/models/acme/Gated", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, gated.StatusCode);
        Assert.Contains("token", await gated.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/workbench/v1/hub/models/acme/Medium-GGUF?kvCache=q3_z", "kvCache")]
    [InlineData("/workbench/v1/hub/models/acme/Medium-GGUF?revision=..%2Fx", "revision")]
    [InlineData("/workbench/v1/hub/models/acme/Medium-GGUF?target=%2Fetc", "target")]
    [InlineData("/workbench/v1/hub/models?filter=a%20b", "filter")]
    public async Task Bad_parameters_are_a_400_naming_the_parameter(string url, string parameter)
    {
        var response = await _client.GetAsync(new Uri(url, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(parameter, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
