using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Workbench.E2E;

[Collection(BrowserTestGroup.Name)]
public sealed partial class ChatConversationTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_stopped_answer_and_its_settings_are_still_there_after_a_reload()
    {
        var page = await browser.OpenAsync("/chat");
        await page.GetByTestId("connected-worker").First.WaitForAsync(new() { Timeout = 60_000 });
        // A long answer, so that there is something to stop.
        await page.GetByTestId("chat-settings-toggle").ClickAsync();
        await page.GetByLabel("Max tokens", new() { Exact = true }).FillAsync("100000");
        await page.GetByLabel("Max tokens", new() { Exact = true }).PressAsync("Tab");

        await page.Locator("textarea[data-testid=chat-input], [data-testid=chat-input] textarea").FillAsync("Tell me everything you know");
        await page.GetByTestId("chat-send").ClickAsync();
        await page.WaitForFunctionAsync(
            "() => document.querySelector('[data-role=assistant][data-streaming=true] [data-testid=chat-text]')?.textContent.length > 0",
            null,
            new() { Timeout = 60_000 });
        await page.GetByTestId("chat-stop").ClickAsync();
        var stopped = page.Locator("[data-role=assistant][data-streaming=false]");
        await stopped.WaitForAsync();
        var textBefore = await stopped.GetByTestId("chat-text").InnerTextAsync();
        var statsBefore = await stopped.GetByTestId("chat-stats").InnerTextAsync();
        await page.WaitForURLAsync(ConversationAddress());
        var address = page.Url;

        await page.ReloadAsync();
        await page.Locator("#interactive-marker[data-interactive='true']").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        var restored = page.Locator("[data-role=assistant]");
        await BrowserFixture.CaptureAsync(page, "chat-conversation");

        Assert.Contains("stopped", statsBefore, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(textBefore));
        Assert.Equal(address, page.Url);
        Assert.Equal(textBefore, await restored.GetByTestId("chat-text").InnerTextAsync());
        Assert.Equal("true", await restored.GetAttributeAsync("data-incomplete"));
        Assert.Equal("Tell me everything you know", await page.GetByTestId("chat-title").InnerTextAsync());
        var current = page.Locator("[data-testid=conversation-item][data-current=true]");
        Assert.Equal("Tell me everything you know", (await current.GetByTestId("conversation-link").InnerTextAsync()).Trim());
        await page.GetByTestId("chat-settings-toggle").ClickAsync();
        Assert.Equal("100000", await page.GetByLabel("Max tokens", new() { Exact = true }).InputValueAsync());

        var download = await page.RunAndWaitForDownloadAsync(() => current.GetByTestId("conversation-export-markdown").ClickAsync());
        var markdown = await File.ReadAllTextAsync(await download.PathAsync());
        Assert.Equal("tell-me-everything-you-know.md", download.SuggestedFilename);
        Assert.StartsWith("# Tell me everything you know\n", markdown, StringComparison.Ordinal);
        Assert.EndsWith("_Stopped before the end._\n", markdown, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"/chat/[0-9a-f-]{36}$")]
    private static partial Regex ConversationAddress();
}
