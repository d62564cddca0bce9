using Microsoft.Playwright;

namespace Workbench.E2E;

[Collection(BrowserTestGroup.Name)]
public sealed class ShellTests(BrowserFixture browser)
{
    [Theory]
    [InlineData("Hardware", "/hardware")]
    [InlineData("Models", "/models")]
    [InlineData("Compare", "/compare")]
    [InlineData("Get models", "/get-models")]
    [InlineData("Chat", "/chat")]
    [InlineData("Telemetry", "/telemetry")]
    public async Task The_navigation_reaches_every_page(string link, string path)
    {
        var page = await browser.OpenAsync("/");

        await page.GetByTestId("nav").GetByRole(AriaRole.Link, new() { Name = link, Exact = true }).ClickAsync();

        await page.WaitForURLAsync(browser.Server.BaseUrl + path);
        await Assertions.Expect(page.Locator("h4").First).ToHaveTextAsync(link);
        await BrowserFixture.CaptureAsync(page, path.TrimStart('/'));
    }

    [Fact]
    public async Task The_theme_toggle_switches_between_dark_and_light()
    {
        var page = await browser.OpenAsync("/");
        var toggle = page.GetByTestId("theme-toggle");
        // The stored choice or the system's preference is applied once the circuit is up.
        await page.Locator("[data-testid=theme-toggle][data-theme-ready=true]").WaitForAsync();
        var before = await toggle.GetAttributeAsync("aria-label");

        await toggle.ClickAsync();

        await Assertions.Expect(toggle).Not.ToHaveAttributeAsync("aria-label", before!);
    }

    [Fact]
    public async Task On_a_phone_the_page_fits_the_screen_without_horizontal_scrolling()
    {
        var page = await browser.OpenAsync("/chat", new ViewportSize { Width = 390, Height = 844 });

        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");

        Assert.True(overflow <= 0, $"page is {overflow}px wider than a phone screen");
        await BrowserFixture.CaptureAsync(page, "chat-phone");
    }

    [Fact]
    public async Task The_health_endpoint_answers()
    {
        var page = await browser.OpenAsync("/");

        var response = await page.APIRequest.GetAsync(browser.Server.BaseUrl + "/healthz");

        Assert.Equal(200, response.Status);
    }
}
