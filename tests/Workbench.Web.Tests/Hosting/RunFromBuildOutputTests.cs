using System.Net;
using System.Text.RegularExpressions;
using Workbench.Web.Tests.TestSupport;

namespace Workbench.Web.Tests.Hosting;

/// <summary>
/// The host started the way the README's run command starts it: the built dll in Production with no launch
/// profile. Its page must be styled and interactive, and the address the user gives must be the one it uses.
/// </summary>
public sealed partial class RunFromBuildOutputTests : IDisposable
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("workbench-run-");

    [Theory]
    [InlineData("_content/MudBlazor/MudBlazor.min.css")]
    [InlineData("app.css")]
    [InlineData("_framework/blazor.web.js")]
    public async Task Production_from_the_build_output_serves_the_static_files_with_content(string path)
    {
        await using var host = BuiltWebHostProcess.Start(Settings(), "--urls", "http://127.0.0.1:0");
        using var client = new HttpClient { BaseAddress = await host.Address };

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 100, $"{path} was served empty");
    }

    [Fact]
    public async Task The_readme_run_command_runs_in_production_and_takes_the_address_given_on_the_command_line()
    {
        await using var host = BuiltWebHostProcess.StartWithDotnetRun(Settings(), "--urls", "http://127.0.0.1:0");
        using var client = new HttpClient { BaseAddress = await host.Address };

        var css = await client.GetByteArrayAsync("_content/MudBlazor/MudBlazor.min.css");

        Assert.Contains("Hosting environment: Production", await host.WaitForOutputAsync("Hosting environment:"), StringComparison.Ordinal);
        Assert.NotEmpty(css);
    }

    [Fact]
    public async Task The_sign_in_link_is_printed_at_every_start_until_someone_signs_in()
    {
        string firstToken;
        await using (var first = BuiltWebHostProcess.Start(Settings(), "--urls", "http://127.0.0.1:0"))
        {
            firstToken = await PrintedTokenAsync(first);
        }

        // ASPNETCORE_URLS, like --urls, decides the address: nothing in the app's settings overrides it.
        await using (var second = BuiltWebHostProcess.Start(Settings(("ASPNETCORE_URLS", "http://127.0.0.1:0"))))
        {
            var secondToken = await PrintedTokenAsync(second);
            Assert.NotEqual(firstToken, secondToken);
            // The printed host may be this machine's name; ask the address the host really listens on.
            using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = await second.Address };
            Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/signin/link?token=" + firstToken)).StatusCode);
            Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/signin/link?token=" + secondToken)).StatusCode);
        }

        await using var third = BuiltWebHostProcess.Start(Settings(), "--urls", "http://127.0.0.1:0");
        await third.Address;
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.DoesNotMatch(SignInLink(), third.Output);
    }

    [Fact]
    public async Task The_port_the_container_image_sets_is_not_overridden_by_the_default_address()
    {
        var port = FreePort();

        await using var host = BuiltWebHostProcess.Start(Settings(("ASPNETCORE_HTTP_PORTS", port.ToString(System.Globalization.CultureInfo.InvariantCulture))));

        Assert.Equal(port, (await host.Address).Port);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<string> PrintedTokenAsync(BuiltWebHostProcess host)
    {
        await host.Address;
        var token = SignInLink().Match(await host.WaitForOutputAsync("/signin/link?token=")).Groups["token"].Value;
        Assert.NotEmpty(token);
        return token;
    }

    [GeneratedRegex(@"/signin/link\?token=(?<token>[A-Za-z0-9_%-]+)")]
    private static partial Regex SignInLink();

    private Dictionary<string, string> Settings(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string>
        {
            ["Workbench__DataDirectory"] = _data.FullName,
            ["Workbench__Supervisor__StartLocalWorker"] = "false",
            ["Workbench__GenerateDemoModel"] = "false",
            ["Workbench__DiscoverKnownStores"] = "false",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    public void Dispose() => _data.Delete(recursive: true);
}
