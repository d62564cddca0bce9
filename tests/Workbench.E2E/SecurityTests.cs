using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Workbench.Web.Security;
using Xunit.Abstractions;

namespace Workbench.E2E;

[Collection(BrowserTestGroup.Name)]
public sealed class SecurityTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task An_open_page_of_a_guest_goes_to_the_sign_in_page_once_the_guest_token_is_deleted()
    {
        var tokens = browser.Server.Services.GetRequiredService<AccessTokenStore>();
        var guest = tokens.Create(AccessRoles.Guest, "browser test guest");
        var context = await browser.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(browser.Server.BaseUrl + "/signin/link?token=" + Uri.EscapeDataString(guest.Secret));
        await page.Locator("#interactive-marker[data-interactive='true']").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        Assert.Equal("guest", (await page.GetByTestId("signed-in-as").InnerTextAsync()).Trim());
        // A guest is not shown the owner's controls.
        Assert.Equal(0, await page.GetByTestId("worker-pid").CountAsync());

        var revoked = Stopwatch.StartNew();
        tokens.Delete(guest.Token.Id);
        await page.WaitForURLAsync("**/signin**", new() { Timeout = 15_000 });

        await page.GetByTestId("signin-form").WaitForAsync();
        output.WriteLine($"Open page reached the sign-in page {revoked.Elapsed.TotalSeconds:0.0} s after the token was deleted (interval 1 s).");
        await context.CloseAsync();
    }

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
