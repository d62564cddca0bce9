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
}
