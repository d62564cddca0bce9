using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;

namespace Workbench.Web.Tests.Hosting;

/// <summary>The web host in-process, without a local worker.</summary>
public sealed class WebHostTests : IDisposable
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("workbench-web-");
    private readonly WebApplicationFactory<Program> _factory;

    public WebHostTests()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Workbench:DataDirectory", _data.FullName);
            b.UseSetting("Workbench:DiscoverKnownStores", "false");
            b.UseSetting("Workbench:Supervisor:StartLocalWorker", "false");
        });
    }

    [Fact]
    public async Task The_health_endpoint_answers_degraded_while_no_worker_is_connected()
    {
        using var client = _factory.CreateClient();

        var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Degraded", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Static_files_come_from_the_top_level_wwwroot_with_fingerprinted_links()
    {
        using var client = _factory.CreateClient();

        var html = await client.GetStringAsync(new Uri("/", UriKind.Relative));
        var cssLink = System.Text.RegularExpressions.Regex.Match(html, @"href=""(app\.[a-z0-9]+\.css)""").Groups[1].Value;
        var css = await client.GetAsync(new Uri("/" + cssLink, UriKind.Relative));

        Assert.NotEmpty(cssLink);
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Contains(".workbench-footer", await css.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotNull(css.Headers.ETag);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/hardware")]
    [InlineData("/models")]
    [InlineData("/compare")]
    [InlineData("/chat")]
    [InlineData("/telemetry")]
    public async Task Every_page_renders_on_the_server(string path)
    {
        using var client = _factory.CreateClient();

        var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<title>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public void First_run_generates_the_demo_model_into_the_data_folder()
    {
        using var client = _factory.CreateClient();

        Assert.True(File.Exists(Path.Combine(_data.FullName, "models", "workbench-demo.gguf")));
    }

    [Fact]
    public void A_bad_setting_stops_start_up_with_a_message_naming_the_key()
    {
        using var factory = _factory.WithWebHostBuilder(b => b.UseSetting("Workbench:DataDirectory", "relative/data"));

        var error = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains("Workbench:DataDirectory", error.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _factory.Dispose();
        _data.Delete(recursive: true);
    }
}
