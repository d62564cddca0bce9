using Microsoft.Playwright;

namespace Workbench.E2E;

[Collection(BrowserTestGroup.Name)]
public sealed class SecurityTests(BrowserFixture browser)
{
    [Theory]
    [InlineData("/")]
    [InlineData("/models")]
    [InlineData("/chat")]
    [InlineData("/settings")]
    public async Task Pages_run_under_the_content_security_policy_without_a_single_violation(string path)
    {
        var context = await browser.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var problems = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                problems.Add(message.Text);
            }
        };
        await page.AddInitScriptAsync("document.addEventListener('securitypolicyviolation', e => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));");

        var response = await page.GotoAsync(browser.Server.BaseUrl + path);
        await page.Locator("#interactive-marker[data-interactive='true']").WaitForAsync(new() { State = WaitForSelectorState.Attached });

        Assert.Contains("frame-ancestors 'none'", (await response!.AllHeadersAsync())["content-security-policy"], StringComparison.Ordinal);
        Assert.Empty(problems);
    }

    [Fact]
    public async Task Script_typed_into_the_chat_is_shown_as_text_and_never_runs()
    {
        var page = await browser.OpenAsync("/chat");
        await page.GetByTestId("connected-worker").First.WaitForAsync(new() { Timeout = 60_000 });
        const string Payload = "<img src=x onerror=\"window.__xss=1\"><script>window.__xss=2</script>[link](javascript:window.__xss=3)";

        await page.Locator("textarea[data-testid=chat-input], [data-testid=chat-input] textarea").FillAsync(Payload);
        await page.GetByTestId("chat-send").ClickAsync();
        await page.Locator("[data-role='assistant'][data-streaming='false']").WaitForAsync(new() { Timeout = 60_000 });
        Assert.Null(await page.EvaluateAsync<int?>("() => window.__xss ?? null"));
        Assert.Equal(0, await page.Locator("[data-role='user'] img, [data-role='user'] script, [data-role='user'] a[href^='javascript']").CountAsync());
        Assert.Contains("onerror", await page.Locator("[data-role='user']").Last.InnerTextAsync(), StringComparison.Ordinal);
    }
}
