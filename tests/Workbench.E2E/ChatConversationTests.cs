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
        // The demo model fills its 2048-token window in well under a second on an idle machine, faster than a
        // round trip through Playwright: the page itself presses Stop as soon as the first words show.
        var textWhenStopped = page.EvaluateAsync<string>("""
            () => new Promise(resolve => {
              const observer = new MutationObserver(() => {
                const text = document.querySelector('[data-role=assistant][data-streaming=true] [data-testid=chat-text]');
                const stop = document.querySelector('[data-testid=chat-stop]');
                if (text && stop && text.innerText.trim().length > 0) {
                  observer.disconnect();
                  stop.click();
                  resolve(text.innerText);
                }
              });
              observer.observe(document.body, { subtree: true, childList: true, characterData: true });
            })
            """);
        await page.GetByTestId("chat-send").ClickAsync();
        Assert.False(string.IsNullOrWhiteSpace(await textWhenStopped.WaitAsync(TimeSpan.FromSeconds(60))));
        // Regenerate comes back once the generation is over and its answer saved.
        await page.GetByTestId("chat-regenerate").WaitForAsync();
        var stopped = page.Locator("[data-role=assistant][data-streaming=false]");
        var textBefore = await stopped.GetByTestId("chat-text").InnerTextAsync();
        var statsBefore = await stopped.GetByTestId("chat-stats").InnerTextAsync();
        await page.WaitForURLAsync(ConversationAddress());
        var address = page.Url;

        await page.ReloadAsync();
        await page.Locator("#interactive-marker[data-interactive='true']").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        var restored = page.Locator("[data-role=assistant]");
        await BrowserFixture.CaptureAsync(page, "chat-conversation");

        Assert.True(statsBefore.Contains("stopped", StringComparison.Ordinal), $"expected a stopped answer; its figures: {statsBefore}");
        Assert.False(string.IsNullOrWhiteSpace(textBefore));
        Assert.Equal(address, page.Url);
        Assert.Equal(textBefore, await restored.GetByTestId("chat-text").InnerTextAsync());
        Assert.Equal("true", await restored.GetAttributeAsync("data-incomplete"));
        Assert.True(await page.GetByTestId("chat-regenerate").IsEnabledAsync(), "a stopped answer can be regenerated");
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
