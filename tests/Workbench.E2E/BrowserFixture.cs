using Microsoft.Playwright;

namespace Workbench.E2E;

/// <summary>
/// One server and one headless Debian Chromium shared by the browser tests. Playwright's own browser
/// download cannot work here, so the system browser is launched by path.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Where the system Chromium lives; overridable for other distributions.</summary>
    public static string ChromiumPath =>
        Environment.GetEnvironmentVariable("WORKBENCH_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private IPlaywright? _playwright;

    /// <summary>The running dashboard.</summary>
    public WorkbenchServer Server { get; } = new();

    /// <summary>The browser.</summary>
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"Chromium was not found at {ChromiumPath}. Install it (apt-get install chromium) or run ./test.sh, which does.");
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--disable-dev-shm-usage", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>A fresh page at <paramref name="path"/>, returned once the interactive circuit is connected.</summary>
    public async Task<IPage> OpenAsync(string path, ViewportSize? viewport = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = viewport ?? new ViewportSize { Width = 1280, Height = 800 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        await page.GotoAsync(Server.BaseUrl + path);
        // Server-rendered HTML ignores clicks until the circuit is up; the layout exposes that as a marker.
        await page.Locator("#interactive-marker[data-interactive='true']").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        return page;
    }

    /// <summary>Saves a screenshot when WORKBENCH_SCREENSHOTS names a folder (for docs and reviews); otherwise nothing.</summary>
    public static async Task CaptureAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("WORKBENCH_SCREENSHOTS") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = true });
        }
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await Server.DisposeAsync();
    }
}

/// <summary>Browser tests share one server and browser; they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserTestGroup : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
