using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Workbench.Core.Hardware;
using Workbench.Core.Tests.TestSupport;

using Workbench.Web.Tests.TestSupport;

namespace Workbench.Web.Tests.Hub;

/// <summary>Downloads from the local hub server into a model folder through the real pipeline.</summary>
public sealed class DownloadTests : IAsyncLifetime
{
    private const string Repo = "acme/Medium-GGUF";
    private const string File16 = "medium-F16.gguf";
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("workbench-downloads-");
    private readonly FakeDisk _disk = new();
    private LocalHub _hub = null!;
    private WebApplicationFactory<Program> _factory = null!;
    private HttpClient _client = null!;
    private string _source = null!;

    private string Models => Path.Combine(_data.FullName, "models-root");

    private long Size => new FileInfo(_source).Length;

    public async Task InitializeAsync()
    {
        _hub = await LocalHub.StartAsync();
        var repo = Path.Combine(_data.FullName, "hub", "medium");
        _source = HubModelFixtures.WriteModel(Path.Combine(repo, File16));
        HubModelFixtures.Split(_source, repo, "medium-split", 2);
        _hub.AddRepo(Repo, repo);
        _hub.AddRepo("acme/Tiny-GPTQ", Workbench.Core.Tests.Formats.TinyModel.WriteFolder(
            Path.Combine(_data.FullName, "hub", "gptq"), Workbench.Core.Tests.Formats.TinyModel.Gptq(), Workbench.Core.Tests.Formats.TinyModel.Config(),
            ("quantize_config.json", """{"bits": 4, "group_size": 128}"""), ("tokenizer.json", "{}")));
        Directory.CreateDirectory(Models);
        Start();
    }

    public async Task DisposeAsync()
    {
        ReleaseThrottle();
        _client.Dispose();
        await _factory.DisposeAsync();
        await _hub.DisposeAsync();
        _data.Delete(recursive: true);
    }

    private void Start(int maxConcurrent = 2)
    {
        _factory = HubDashboard.Start(_hub, _data.FullName, Models, b =>
        {
            b.UseSetting("Workbench:HuggingFace:DiskReserveMiB", "0");
            b.UseSetting("Workbench:HuggingFace:MaxConcurrentDownloads", maxConcurrent.ToString(System.Globalization.CultureInfo.InvariantCulture));
            b.ConfigureTestServices(s => s.AddSingleton<IDiskProbe>(_disk));
        });
        _client = _factory.CreateClient();
    }

    private async Task<HttpResponseMessage> PostAsync(string file = File16, string repo = Repo) =>
        await _client.PostAsJsonAsync("/workbench/v1/downloads", new { repo, file });

    private async Task<JsonElement> DownloadAsync(string id) =>
        (await _client.GetFromJsonAsync<JsonElement>("/workbench/v1/downloads")).EnumerateArray().Single(d => d.GetProperty("id").GetString() == id);

    private async Task<JsonElement> WaitAsync(string id, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var download = await DownloadAsync(id);
            if (done(download) || DateTime.UtcNow > deadline)
            {
                return download;
            }

            await Task.Delay(50);
        }
    }

    private Task<JsonElement> WaitEndAsync(string id) =>
        WaitAsync(id, d => d.GetProperty("state").GetString() is "Completed" or "Failed" or "Cancelled");

    private static async Task<string> IdAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private string[] TemporaryFiles() => Directory.GetFiles(Models, "*.part", SearchOption.AllDirectories);

    private string Final => Path.Combine(Models, "acme", "Medium-GGUF", File16);

    private static string Sha(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>Reads the repository (its headers) now, so what a download fetches can be told apart and a throttle holds only the download.</summary>
    private async Task<long> WarmAsync()
    {
        await _client.GetFromJsonAsync<JsonElement>($"/workbench/v1/hub/models/{Repo}");
        return _hub.Served(Repo, File16);
    }

    private void ReleaseThrottle()
    {
        if (_hub.Throttle is { } throttle)
        {
            _hub.Throttle = null;
            throttle.Release(10_000);
        }
    }

    [Fact]
    public async Task A_download_lands_verified_in_the_model_folder_and_the_library_adds_it()
    {
        var id = await IdAsync(await PostAsync());

        var download = await WaitEndAsync(id);

        Assert.Equal("Completed", download.GetProperty("state").GetString());
        Assert.Equal(Size, download.GetProperty("bytesDone").GetInt64());
        Assert.Equal(Sha(_source), Sha(Final));
        Assert.Empty(TemporaryFiles());
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonElement models;
        do
        {
            await Task.Delay(100);
            models = await _client.GetFromJsonAsync<JsonElement>("/workbench/v1/models");
        }
        while (!models.EnumerateArray().Any(m => m.GetProperty("path").GetString() == Final) && DateTime.UtcNow < deadline);

        Assert.Contains(models.EnumerateArray(), m => m.GetProperty("path").GetString() == Final);
    }

    [Fact]
    public async Task A_dropped_connection_resumes_where_it_stopped_and_verifies()
    {
        var headers = await WarmAsync();
        _hub.DropOnceAfter[$"{Repo}/{File16}"] = Size / 3;

        var download = await WaitEndAsync(await IdAsync(await PostAsync()));

        Assert.Equal("Completed", download.GetProperty("state").GetString());
        Assert.Equal(Sha(_source), Sha(Final));
        var served = _hub.Served(Repo, File16) - headers;
        Assert.True(served < Size + (Size / 3), $"served {served:N0} for a {Size:N0}-byte file: it started over instead of resuming");
        Assert.Contains(_hub.ContentRequests, r => r.File == $"{Repo}/{File16}" && r.Range is { } range && range.EndsWith('-') && range != "bytes=0-");
    }

    [Fact]
    public async Task A_wrong_sha256_is_refused_and_nothing_reaches_the_library()
    {
        _hub.ListWrongSha(Repo, File16);

        var download = await WaitEndAsync(await IdAsync(await PostAsync()));

        Assert.Equal("Failed", download.GetProperty("state").GetString());
        Assert.Contains("SHA-256", download.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Final));
        Assert.Empty(TemporaryFiles());
        await _factory.Services.GetRequiredService<Workbench.Web.Library.LibraryScanService>().ScanAsync(CancellationToken.None);
        Assert.Empty((await _client.GetFromJsonAsync<JsonElement>("/workbench/v1/models")).EnumerateArray());
    }

    [Fact]
    public async Task Too_little_disk_space_is_refused_before_anything_is_written()
    {
        var servedForHeaders = await WarmAsync();
        _disk.FreeBytes = Size - 1;

        var response = await PostAsync();

        Assert.Equal(HttpStatusCode.InsufficientStorage, response.StatusCode);
        Assert.Contains("free", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(Models));
        Assert.Equal(servedForHeaders, _hub.Served(Repo, File16));
        Assert.Empty((await _client.GetFromJsonAsync<JsonElement>("/workbench/v1/downloads")).EnumerateArray());
    }

    [Fact]
    public async Task Cancelling_removes_the_temporary_file()
    {
        await WarmAsync();
        _hub.Throttle = new SemaphoreSlim(0);
        var id = await IdAsync(await PostAsync());
        _hub.Throttle.Release(20);
        await WaitAsync(id, d => d.GetProperty("bytesDone").GetInt64() > 0);
        Assert.NotEmpty(TemporaryFiles());

        var cancel = await _client.DeleteAsync(new Uri($"/workbench/v1/downloads/{id}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NoContent, cancel.StatusCode);
        Assert.Equal("Cancelled", (await DownloadAsync(id)).GetProperty("state").GetString());
        Assert.Empty(TemporaryFiles());
        Assert.False(File.Exists(Final));
    }

    [Fact]
    public async Task A_restart_of_the_dashboard_mid_download_resumes_from_the_temporary_file()
    {
        var headers = await WarmAsync();
        _hub.Throttle = new SemaphoreSlim(0);
        var id = await IdAsync(await PostAsync());
        _hub.Throttle.Release(40);
        await WaitAsync(id, d => d.GetProperty("bytesDone").GetInt64() > 0);

        _client.Dispose();
        await _factory.DisposeAsync();
        var kept = TemporaryFiles().Sum(f => new FileInfo(f).Length);
        var requestsBeforeRestart = _hub.ContentRequests.Count;
        ReleaseThrottle();
        Start();
        var download = await WaitEndAsync(id);

        // Bytes in flight when the dashboard stopped count as served without reaching the file, so the resume
        // is judged by the requests made after the restart: one, starting where the kept file ends.
        var afterRestart = _hub.ContentRequests.Skip(requestsBeforeRestart).Where(r => r.File == $"{Repo}/{File16}").Select(r => r.Range);
        Assert.True(kept > 0, "the temporary file was not kept over the restart");
        Assert.Equal("Completed", download.GetProperty("state").GetString());
        Assert.Equal(Sha(_source), Sha(Final));
        Assert.Equal([$"bytes={kept}-"], afterRestart);
        Assert.True(_hub.Served(Repo, File16) - headers >= Size, "less was served than the file holds");
    }

    [Fact]
    public async Task An_unknown_file_is_a_404_and_an_unknown_download_cannot_be_cancelled()
    {
        var missing = await PostAsync("nope.gguf");
        var cancel = await _client.DeleteAsync(new Uri("/workbench/v1/downloads/nope", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, cancel.StatusCode);
    }

    [Fact]
    public async Task Downloads_beyond_the_limit_wait_their_turn_and_a_split_set_arrives_whole()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        Start(maxConcurrent: 1);
        await WarmAsync();
        _hub.Throttle = new SemaphoreSlim(0);
        var first = await IdAsync(await PostAsync());
        var second = await IdAsync(await PostAsync("medium-split"));
        _hub.Throttle.Release(20);
        await WaitAsync(first, d => d.GetProperty("bytesDone").GetInt64() > 0);

        Assert.Equal("Queued", (await DownloadAsync(second)).GetProperty("state").GetString());

        ReleaseThrottle();
        Assert.Equal("Completed", (await WaitEndAsync(first)).GetProperty("state").GetString());
        Assert.Equal("Completed", (await WaitEndAsync(second)).GetProperty("state").GetString());
        Assert.True(File.Exists(Path.Combine(Models, "acme", "Medium-GGUF", "medium-split-00001-of-00002.gguf")));
        Assert.True(File.Exists(Path.Combine(Models, "acme", "Medium-GGUF", "medium-split-00002-of-00002.gguf")));
    }

    [Fact]
    public async Task A_safetensors_folder_arrives_whole_under_its_name_through_a_hidden_staging_folder()
    {
        var download = await WaitEndAsync(await IdAsync(await PostAsync("Tiny-GPTQ", "acme/Tiny-GPTQ")));

        Assert.Equal("Completed", download.GetProperty("state").GetString());
        var folder = Path.Combine(Models, "acme", "Tiny-GPTQ");
        Assert.Equal(["config.json", "model.safetensors", "quantize_config.json", "tokenizer.json"], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(["Tiny-GPTQ"], Directory.GetDirectories(Path.Combine(Models, "acme")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_guest_cannot_start_or_cancel_downloads()
    {
        var guest = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.Role, Workbench.Web.Security.AccessRoles.Guest)], "test"));
        var downloads = _factory.Services.GetRequiredService<Workbench.Web.Hub.DownloadService>();

        await Assert.ThrowsAsync<Workbench.Web.Security.OwnerOnlyException>(() => downloads.StartAsync(guest, Repo, null, File16, null, CancellationToken.None));
        await Assert.ThrowsAsync<Workbench.Web.Security.OwnerOnlyException>(() => downloads.CancelAsync(guest, "any"));
    }

    private sealed class FakeDisk : IDiskProbe
    {
        public long FreeBytes { get; set; } = 1L << 40;

        public DiskInfo ReadDisk(string path) => new() { Path = path, FreeBytes = FreeBytes, TotalBytes = 2L << 40 };
    }
}
