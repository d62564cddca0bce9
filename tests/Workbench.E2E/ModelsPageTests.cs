using Microsoft.Playwright;

namespace Workbench.E2E;

[Collection(BrowserTestGroup.Name)]
public sealed class ModelsPageTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_models_page_lists_the_library_and_search_filters_it()
    {
        var page = await browser.OpenAsync("/models");
        var rows = page.GetByTestId("models-grid").Locator("tbody tr.mud-table-row");
        await Assertions.Expect(rows).ToHaveCountAsync(WorkbenchServer.LibraryModelNames.Length + 1, new() { Timeout = 30_000 });

        await page.Locator("input[data-testid=models-search], [data-testid=models-search] input").FillAsync("zephyr");

        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.First).ToContainTextAsync("zephyr");
        await BrowserFixture.CaptureAsync(page, "models");
    }

    [Fact]
    public async Task A_rescan_shows_its_progress_and_finishes()
    {
        var page = await browser.OpenAsync("/models");
        var summary = page.GetByTestId("scan-summary");
        await Assertions.Expect(summary).ToContainTextAsync("models", new() { Timeout = 30_000 });

        await page.GetByTestId("rescan").ClickAsync();

        await Assertions.Expect(summary).ToContainTextAsync("last scan parsed 0 changed", new() { Timeout = 30_000 });
    }

    [Fact]
    public async Task A_broken_file_is_listed_with_its_error()
    {
        var page = await browser.OpenAsync("/models");

        await Assertions.Expect(page.GetByTestId("model-error-chip")).ToHaveCountAsync(1, new() { Timeout = 30_000 });
    }
}
