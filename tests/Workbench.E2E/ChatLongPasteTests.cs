using Microsoft.Playwright;

namespace Workbench.E2E;

/// <summary>A paste far beyond what one circuit message may carry (64 KiB) is refused with a message; the page lives on.</summary>
[Collection(BrowserTestGroup.Name)]
public sealed class ChatLongPasteTests(BrowserFixture browser)
{
    [Fact]
    public async Task Pasting_100_KiB_keeps_the_first_8000_characters_says_why_and_the_page_still_answers()
    {
        var page = await browser.OpenAsync("/chat");
        await page.GetByTestId("connected-worker").First.WaitForAsync(new() { Timeout = 60_000 });
        var input = page.Locator("textarea[data-testid=chat-input], [data-testid=chat-input] textarea");

        await input.FocusAsync();
        // InsertText is what a paste does to the field: one input event with the whole text, subject to maxlength.
        await page.Keyboard.InsertTextAsync(new string('w', 100 * 1024));

        await Assertions.Expect(page.GetByText("Messages are limited to 8,000 characters; text beyond that was not taken.")).ToBeVisibleAsync();
        Assert.Equal(8_000, await input.EvaluateAsync<int>("e => e.value.length"));

        // The circuit is alive: the send goes through and the demo model answers.
        await input.FillAsync("Still there?");
        await page.GetByTestId("chat-send").ClickAsync();
        await page.Locator("[data-role='assistant'][data-streaming='false']").WaitForAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("#components-reconnect-modal[open], .components-reconnect-show")).ToHaveCountAsync(0);
    }
}
