using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Workbench.E2E;

/// <summary>The Get models page in Chromium against the local hub: search, the fit table, a download with its progress, the library.</summary>
[Collection(BrowserTestGroup.Name)]
public sealed class GetModelsPageTests(BrowserFixture browser)
{
    [Fact]
    public async Task Search_open_the_repository_download_a_file_with_a_moving_progress_bar_and_find_it_in_the_library()
    {
        var page = await browser.OpenAsync("/get-models");
        await page.Locator("input[data-testid=hub-search]").FillAsync("tiny-demo");
        await page.GetByTestId("hub-search-button").ClickAsync();
        await page.GetByTestId("hub-result").First.ClickAsync(new() { Timeout = 30_000 });
        var row = page.Locator($"[data-testid=hub-row][data-name='{WorkbenchServer.HubFile}']");
        await Assertions.Expect(row.GetByTestId("hub-total")).ToHaveAttributeAsync("data-verdict", new System.Text.RegularExpressions.Regex("."), new() { Timeout = 30_000 });
        await BrowserFixture.CaptureAsync(page, "get-models-repository-desktop");

        var throttle = new SemaphoreSlim(0);
        browser.Server.Hub.Throttle = throttle;
        try
        {
            await row.GetByTestId("hub-download").ClickAsync();
            throttle.Release(5);
            var progress = page.GetByTestId("download-progress").First;
            await Assertions.Expect(page.GetByTestId("download").First).ToHaveAttributeAsync("data-state", "Running", new() { Timeout = 30_000 });
            await Assertions.Expect(progress).Not.ToHaveAttributeAsync("data-percent", "0.0", new() { Timeout = 30_000 });
            var partway = double.Parse(await progress.GetAttributeAsync("data-percent") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(partway, 0.1, 99.9);
            await Assertions.Expect(page.GetByTestId("download-indicator")).ToBeVisibleAsync();
        }
        finally
        {
            browser.Server.Hub.Throttle = null;
            throttle.Release(100_000);
        }

        await Assertions.Expect(page.GetByTestId("download").First).ToHaveAttributeAsync("data-state", "Completed", new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByTestId("download-progress").First).ToHaveAttributeAsync("data-percent", "100.0");

        var downloaded = Path.Combine(browser.Server.ModelRoot, "acme");
        try
        {
            await page.GotoAsync(browser.Server.BaseUrl + "/models");
            await Assertions.Expect(page.GetByTestId("models-grid")).ToContainTextAsync("tiny-demo-F16", new() { Timeout = 60_000 });

            // And it runs: chat with it.
            using var http = new HttpClient { BaseAddress = new Uri(browser.Server.BaseUrl) };
            var models = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.JsonElement>(http, "/workbench/v1/models");
            var id = models.EnumerateArray().Single(m => m.GetProperty("path").GetString()!.EndsWith(WorkbenchServer.HubFile, StringComparison.Ordinal)).GetProperty("id").GetString();
            var chat = await browser.OpenAsync($"/chat?model={id}");
            await chat.GetByTestId("connected-worker").First.WaitForAsync(new() { Timeout = 60_000 });
            await chat.Locator("textarea[data-testid=chat-input], [data-testid=chat-input] textarea").FillAsync("Hello from the hub!");
            await chat.GetByTestId("chat-send").ClickAsync();
            var answer = chat.Locator("[data-role='assistant'][data-streaming='false']");
            await answer.WaitForAsync(new() { Timeout = 90_000 });
            Assert.False(string.IsNullOrWhiteSpace(await answer.GetByTestId("chat-text").InnerTextAsync()));
            await Assertions.Expect(chat.GetByTestId("model-select")).ToHaveValueAsync(WorkbenchServer.HubFile);
        }
        finally
        {
            // The other browser tests count the library's models: leave it as it was.
            Directory.Delete(downloaded, recursive: true);
            await browser.Server.Services.GetRequiredService<Workbench.Web.Library.LibraryScanService>().ScanAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task The_fit_table_fits_a_phone_screen()
    {
        var page = await browser.OpenAsync($"/get-models?repo={WorkbenchServer.HubRepo}", new ViewportSize { Width = 390, Height = 844 });

        await page.GetByTestId("hub-row").First.WaitForAsync(new() { Timeout = 30_000 });

        Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth") <= 0, "the page is wider than the phone");
        await Assertions.Expect(page.GetByTestId("hub-total").First).ToBeVisibleAsync();
        // The deciding cells and the download button are on screen, not scrolled away inside the table.
        foreach (var testId in new[] { "hub-total", "hub-download" })
        {
            var box = await page.GetByTestId(testId).First.BoundingBoxAsync();
            Assert.True(box is not null && box.X >= 0 && box.X + box.Width <= 390, $"{testId} is outside the phone's width");
        }
        await BrowserFixture.CaptureAsync(page, "get-models-repository-phone");
    }
}
