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
        await Assertions.Expect(cells.First).ToHaveAttributeAsync("data-verdict", "FitsFully", new() { Timeout = 30_000 });
        await BrowserFixture.CaptureAsync(page, "compare");

        await page.GetByTestId("vram-0").ClickAsync();

        await Assertions.Expect(cells.First).ToHaveAttributeAsync("data-verdict", "CpuOnly");
    }
}
