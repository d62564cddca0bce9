using Microsoft.Playwright;

namespace Workbench.E2E;

[Collection(BrowserTestGroup.Name)]
public sealed class ComparePageTests(BrowserFixture browser)
{
    [Fact]
    public async Task Taking_the_gpu_away_changes_the_verdicts_to_cpu_only()
    {
        var page = await browser.OpenAsync("/compare");
        var cells = page.GetByTestId("compare-cell");
        await Assertions.Expect(cells.First).ToHaveAttributeAsync("data-verdict", new System.Text.RegularExpressions.Regex("."), new() { Timeout = 30_000 });

        await page.GetByTestId("gpu-vram24").ClickAsync();
        await Assertions.Expect(cells.First).ToHaveAttributeAsync("data-verdict", "FitsFully");
        await BrowserFixture.CaptureAsync(page, "compare");
        await page.GetByTestId("gpu-none").ClickAsync();

        await Assertions.Expect(cells.First).ToHaveAttributeAsync("data-verdict", "CpuOnly");
        // On the CPU the speed comes from RAM bandwidth, which needs no GPU facts.
        await Assertions.Expect(page.GetByTestId("breakdown-speed")).ToContainTextAsync("tokens/s");
    }

    [Fact]
    public async Task A_typed_repo_id_makes_its_files_the_rows_with_verdicts_and_fits_a_phone()
    {
        var page = await browser.OpenAsync("/compare", new ViewportSize { Width = 1440, Height = 900 });
        var field = page.Locator("input[data-testid=compare-hub-repo]");
        await field.FillAsync(WorkbenchServer.HubRepo, new() { Timeout = 30_000 });
        await field.PressAsync("Enter");

        var row = page.Locator($"[data-testid=compare-row][data-file='{WorkbenchServer.HubFile}']");
        await Assertions.Expect(row.GetByTestId("compare-cell").First).ToHaveAttributeAsync("data-verdict", new System.Text.RegularExpressions.Regex("^(FitsFully|PartialOffload|CpuOnly|DoesNotFit)$"), new() { Timeout = 30_000 });
        Assert.True(await row.GetByTestId("compare-cell").CountAsync() >= 2, "one cell per context column");
        await Assertions.Expect(row.GetByTestId("compare-hub-download")).ToHaveAttributeAsync("href", $"get-models?repo={WorkbenchServer.HubRepo}&revision=main");
        // The what-if chips judge the repository's files too: on a 24 GiB card the tiny file fits at every context.
        await page.GetByTestId("gpu-vram24").ClickAsync();
        await Assertions.Expect(row.GetByTestId("compare-cell").Last).ToHaveAttributeAsync("data-verdict", "FitsFully");
        await BrowserFixture.CaptureAsync(page, "compare-hub-desktop");

        await page.SetViewportSizeAsync(390, 844);

        // The phone shows the chosen context's column; the page itself never scrolls sideways.
        await Assertions.Expect(page.GetByTestId("compare-context-switch")).ToBeVisibleAsync();
        // The layout settles a round trip after the resize (the drawer and breakpoints follow the server's render).
        try
        {
            await page.WaitForFunctionAsync("() => document.documentElement.scrollWidth <= window.innerWidth", null, new() { Timeout = 5_000 });
        }
        catch (TimeoutException)
        {
        }

        var overflow = await page.EvaluateAsync<string>(
            """
            () => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
              .slice(0, 4).map(e => `${e.tagName.toLowerCase()}.${[...e.classList].slice(0, 2).join('.')} →${Math.round(e.getBoundingClientRect().right)}px`).join(', ')
            """);
        Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth") <= 0, "the page is wider than the phone: " + overflow);
        var cell = await row.Locator("[data-testid=compare-cell]:visible").First.BoundingBoxAsync();
        Assert.True(cell is not null && cell.X >= 0 && cell.X + cell.Width <= 390, "the verdict cell is outside the phone's width");
        await BrowserFixture.CaptureAsync(page, "compare-hub-phone");
    }
}
