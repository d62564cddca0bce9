using Microsoft.Playwright;

namespace Workbench.E2E;

[Collection(BrowserTestGroup.Name)]
public sealed class HardwarePageTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_hardware_page_shows_the_cpu_card_with_the_thread_count()
    {
        var page = await browser.OpenAsync("/hardware");

        await Assertions.Expect(page.GetByTestId("cpu-cores")).ToContainTextAsync($"{Environment.ProcessorCount} threads", new() { Timeout = 60_000 });
        await BrowserFixture.CaptureAsync(page, "hardware");
    }

    [Fact]
    public async Task The_telemetry_page_draws_a_chart_once_samples_arrive()
    {
        var page = await browser.OpenAsync("/telemetry");

        await Assertions.Expect(page.GetByTestId("chart-cpu").Locator("svg path").First).ToBeAttachedAsync(new() { Timeout = 60_000 });
        await BrowserFixture.CaptureAsync(page, "telemetry");
    }
}
