using Microsoft.Extensions.DependencyInjection;
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

    [Fact]
    public async Task A_folder_added_in_settings_is_scanned_with_a_moving_progress_bar_and_fit_badges()
    {
        using var bulk = new TempFolder("workbench-e2e-bulk-");
        var template = Path.Combine(bulk.Path, "template.bin");
        Workbench.Core.DemoModel.DemoModelGenerator.Write(template);
        for (var i = 0; i < BulkModels; i++)
        {
            File.Copy(template, Path.Combine(bulk.Path, $"bulk-{i:D4}.gguf"));
        }

        var models = await browser.OpenAsync("/models");
        await Assertions.Expect(models.GetByTestId("scan-summary")).ToContainTextAsync("last scan", new() { Timeout = 30_000 });
        // Record every value the bar shows, in the page itself, at every change of the page: a fast scan may show the bar
        // for less than any polling interval, and a bar added and removed in one go is still in the observer's records.
        await models.EvaluateAsync("""
            () => {
                window.__progress = [];
                window.__barSeen = false;
                const isBar = n => n instanceof Element && (n.matches('[data-testid=scan-progress]') || n.querySelector('[data-testid=scan-progress]'));
                new MutationObserver(records => {
                    if (records.some(r => [...r.addedNodes].some(isBar))) window.__barSeen = true;
                    const bar = document.querySelector('[data-testid=scan-progress]');
                    if (bar) window.__barSeen = true;
                    const value = bar?.getAttribute('aria-valuenow') ?? bar?.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow');
                    if (value !== null && value !== undefined && window.__progress.at(-1) !== value) window.__progress.push(value);
                }).observe(document.body, { subtree: true, childList: true, attributes: true });
            }
            """);
        // What the scanner reported, as the page is told it: on a busy machine the page may draw fewer of these.
        var scanner = browser.Server.Services.GetRequiredService<Workbench.Web.Library.LibraryScanService>();
        var reported = new System.Collections.Concurrent.ConcurrentQueue<double>();
        void Record()
        {
            if (scanner.Status is { IsScanning: true, FilesSeen: > 0 } status)
            {
                reported.Enqueue(status.Percent);
            }
        }

        scanner.Changed += Record;

        var settings = await browser.OpenAsync("/settings");
        await settings.Locator("input[data-testid=new-root]").FillAsync(bulk.Path);
        await settings.GetByTestId("add-root").ClickAsync();
        await Assertions.Expect(settings.GetByTestId("model-roots")).ToContainTextAsync(bulk.Path);

        try
        {
            await Assertions.Expect(models.GetByTestId("scan-summary")).ToContainTextAsync($"parsed {BulkModels} changed", new() { Timeout = 60_000 });
            var seen = (await models.EvaluateAsync<string[]>("() => window.__progress")).Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            var moving = reported.ToList();
            // The scan reports its progress part way (a fast scan reports once, a busy machine's page may draw none of
            // it), the page shows the bar, and what either shows only ever grows.
            Assert.True(
                moving.Concat(seen).Any(v => v > 0 && v < 100),
                $"the scanner reported {string.Join(", ", moving)}; the bar showed {string.Join(", ", seen)}");
            Assert.Equal(moving.Order(), moving);
            Assert.True(await models.EvaluateAsync<bool>("() => window.__barSeen"), "the progress bar never appeared");
            Assert.Equal(seen.Order(), seen);
            await Assertions.Expect(models.GetByTestId("fit-badge").First).ToBeVisibleAsync();
        }
        finally
        {
            scanner.Changed -= Record;
            await settings.GetByTestId("remove-root").ClickAsync();
            await Assertions.Expect(settings.GetByTestId("model-roots")).Not.ToContainTextAsync(bulk.Path);
            await Assertions.Expect(models.GetByTestId("scan-summary")).ToContainTextAsync($"{WorkbenchServer.LibraryModelNames.Length + 1} models", new() { Timeout = 30_000 });
        }
    }

    private const int BulkModels = 600;

    private sealed class TempFolder(string prefix) : IDisposable
    {
        private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory(prefix);

        public string Path => _folder.FullName;

        public void Dispose() => _folder.Delete(recursive: true);
    }
}
