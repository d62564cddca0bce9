using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Workbench.Web.Tests.TestSupport;

/// <summary>
/// The dashboard on real Kestrel (loopback, a free port) with its own data folder; it starts its real
/// worker child process, which connects back over SignalR as it does for a user.
/// </summary>
public sealed class RealWorkerServer : IAsyncDisposable
{
    private readonly DirectoryInfo _data;
    private readonly WebApplicationFactory<Program> _factory;

    /// <summary>Starts the server with extra <paramref name="settings"/> (configuration keys and values).</summary>
    public RealWorkerServer(string name, IReadOnlyDictionary<string, string> settings)
        : this(name, [.. settings.Select(s => (s.Key, s.Value))])
    {
    }

    /// <summary>Starts the server with extra settings (configuration keys); the worker connects shortly after.</summary>
    public RealWorkerServer(string name, params (string Key, string Value)[] settings)
    {
        _data = Directory.CreateTempSubdirectory($"workbench-{name}-");
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Workbench:DataDirectory", _data.FullName);
            b.UseSetting("Workbench:DiscoverKnownStores", "false");
            b.UseSetting("urls", "http://127.0.0.1:0");
            // Errors only: the soak's server runs on this too, and its memory bound must not count a growing log.
            b.ConfigureLogging(logging => logging.AddFakeLogging(options => options.FilteredLevels = new HashSet<LogLevel> { LogLevel.Error, LogLevel.Critical }));
            foreach (var (key, value) in settings)
            {
                b.UseSetting(key, value);
            }
        });
        _factory.UseKestrel(0);
        _factory.StartServer();
    }

    /// <summary>The host's services.</summary>
    public IServiceProvider Services => _factory.Services;

    /// <summary>The server's data folder.</summary>
    public string DataDirectory => _data.FullName;

    /// <summary>What the host logged at Error or above so far, as "category: message" lines.</summary>
    public IReadOnlyList<string> LoggedErrors =>
        [.. Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Level >= LogLevel.Error).Select(r => $"{r.Category}: {r.Message} {r.Exception?.GetType().Name}")];

    /// <summary>A client for the server's HTTP endpoints.</summary>
    public HttpClient CreateClient() => _factory.CreateClient();

    /// <summary>A client with its own cookie jar that does not follow redirects, like a separate browser whose steps a test checks.</summary>
    public HttpClient CreateBrowserLikeClient() =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new System.Net.CookieContainer() })
        {
            BaseAddress = BaseAddress,
        };

    /// <summary>Where Kestrel listens, e.g. http://127.0.0.1:41234.</summary>
    public Uri BaseAddress => new(_factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <summary>Polls <paramref name="condition"/> until it holds, failing after 60 s with <paramref name="what"/>.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(50);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        _data.Delete(recursive: true);
    }
}
