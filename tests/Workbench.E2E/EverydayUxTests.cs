using Microsoft.Playwright;

namespace Workbench.E2E;

/// <summary>
/// Everyday use on a phone (390 × 844) and a desktop (1440 × 900): every page fits the screen's width, the chat's
/// composer is always reachable, and the chat behaves like the chat apps people know (follows the stream, Esc stops,
/// code can be copied, regenerated answers are kept). With WORKBENCH_SCREENSHOTS set, it also writes the
/// screenshots in docs/screenshots.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class EverydayUxTests(BrowserFixture browser)
{
    private static readonly string[] Pages = ["/", "/hardware", "/models", "/compare", "/get-models", "/chat", "/telemetry", "/settings"];

    private const string Input = "textarea[data-testid=chat-input], [data-testid=chat-input] textarea";

    [Theory]
    [InlineData(390, 844, "phone")]
    [InlineData(1440, 900, "desktop")]
    public async Task Every_page_fits_the_screen_width(int width, int height, string size)
    {
        var page = await browser.OpenAsync("/", new ViewportSize { Width = width, Height = height });
        // With the worker connected, the pages show their real content rather than "starting".
        await page.GetByTestId("connected-worker").First.WaitForAsync(new() { Timeout = 60_000 });
        var problems = new List<string>();
        // A system that prefers dark: the theme follows it (the light theme is checked by the theme test below).
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });

        foreach (var path in Pages)
        {
            await page.GotoAsync(browser.Server.BaseUrl + path);
            await page.Locator("[data-testid=theme-toggle][data-theme-ready=true]").WaitForAsync();

            await page.Locator("h4").First.WaitForAsync();
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            if (overflow > 0)
            {
                problems.Add($"{path} is {overflow}px too wide; past the edge: {await WidestAsync(page)}");
            }

            await BrowserFixture.CaptureAsync(page, $"{(path == "/" ? "overview" : path.TrimStart('/'))}-{size}");
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public async Task The_overview_shows_the_machine_the_library_and_what_to_do_next()
    {
        var page = await browser.OpenAsync("/");

        await Assertions.Expect(page.GetByTestId("overview-machine").First).ToContainTextAsync("GiB", new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByTestId("overview-ram").First).ToContainTextAsync("GiB");
        // Three generated models and the demo model; one broken file.
        await Assertions.Expect(page.GetByTestId("overview-library-summary")).ToContainTextAsync("models");
        await Assertions.Expect(page.GetByTestId("overview-library-summary")).ToContainTextAsync("1 unreadable");
        await Assertions.Expect(page.GetByTestId("overview-actions").GetByRole(AriaRole.Link, new() { Name = "New chat" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_theme_choice_survives_a_reload_and_light_pages_fit_a_phone_too()
    {
        var page = await browser.OpenAsync("/", new ViewportSize { Width = 390, Height = 844 });
        var toggle = page.GetByTestId("theme-toggle");
        await page.Locator("[data-testid=theme-toggle][data-theme-ready=true]").WaitForAsync();
        // Headless Chromium reports no dark preference, so the first look follows the system: light.
        await Assertions.Expect(toggle).ToHaveAttributeAsync("aria-label", "Switch to dark theme");

        await toggle.ClickAsync();
        await Assertions.Expect(toggle).ToHaveAttributeAsync("aria-label", "Switch to light theme");
        await toggle.ClickAsync();
        await Assertions.Expect(toggle).ToHaveAttributeAsync("aria-label", "Switch to dark theme");
        // The choice reaches the browser's storage through the circuit after the click: reload only once it is there.
        await page.WaitForFunctionAsync("() => localStorage.getItem('workbench.theme') === 'light'");
        await page.ReloadAsync();
        await page.Locator("#interactive-marker[data-interactive='true']").WaitForAsync(new() { State = WaitForSelectorState.Attached });

        await Assertions.Expect(page.GetByTestId("theme-toggle")).ToHaveAttributeAsync("aria-label", "Switch to dark theme");
        foreach (var path in new[] { "/chat", "/compare" })
        {
            await page.GotoAsync(browser.Server.BaseUrl + path);
            await page.Locator("#interactive-marker[data-interactive='true']").WaitForAsync(new() { State = WaitForSelectorState.Attached });
            await Assertions.Expect(page.GetByTestId("theme-toggle")).ToHaveAttributeAsync("aria-label", "Switch to dark theme");
            Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth") <= 0, $"{path} overflows in light");
            await BrowserFixture.CaptureAsync(page, $"{path.TrimStart('/')}-phone-light");
        }
    }

    [Fact]
    public async Task On_a_phone_the_composer_is_on_screen_with_a_full_width_message_box()
    {
        var page = await browser.OpenAsync("/chat", new ViewportSize { Width = 390, Height = 844 });

        var composer = (await page.GetByTestId("chat-composer").BoundingBoxAsync())!;
        var input = (await page.Locator(Input).BoundingBoxAsync())!;
        var send = (await page.GetByTestId("chat-send").BoundingBoxAsync())!;
        var regenerate = (await page.GetByTestId("chat-regenerate").BoundingBoxAsync())!;

        Assert.True(composer.Y >= 0 && composer.Y + composer.Height <= 844, $"composer at {composer.Y}–{composer.Y + composer.Height}px of 844");
        Assert.True(input.Width >= 300, $"message box is {input.Width}px wide");
        Assert.True(send.X + send.Width <= 390 && regenerate.X >= 0, "a button is clipped");
    }

    [Fact]
    public async Task The_chat_follows_the_stream_stops_on_Esc_copies_code_and_keeps_regenerated_answers()
    {
        var page = await browser.OpenAsync("/chat", new ViewportSize { Width = 1440, Height = 900 });
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = browser.Server.BaseUrl });
        await page.GetByTestId("connected-worker").First.WaitForAsync(new() { Timeout = 60_000 });
        var log = page.GetByTestId("chat-log");
        // The test server starts chats at 256 tokens; the chat's own defaults let the answer run to the window's end.
        await page.GetByTestId("chat-settings-toggle").ClickAsync();
        await page.GetByTestId("sampling-defaults").ClickAsync();
        await page.GetByTestId("chat-settings-toggle").ClickAsync();

        // Enter sends (the fence's new lines typed with Shift+Enter stay in the message).
        await page.Locator(Input).FillAsync("Explain this:\n```python\nprint('hi')\n```\nat length, please.");
        await page.Locator(Input).PressAsync("Enter");
        var answer = page.Locator("[data-role='assistant']").Last;
        await answer.WaitForAsync();

        // Following: once the answer is taller than the log, the log shows its end.
        await page.WaitForFunctionAsync(
            """
            () => {
              const log = document.querySelector('[data-testid="chat-log"]');
              const answers = document.querySelectorAll('[data-role="assistant"]');
              const last = answers[answers.length - 1];
              return log.scrollHeight > log.clientHeight + 150 || (last && last.dataset.streaming === 'false');
            }
            """,
            null,
            new() { Timeout = 60_000 });
        await page.WaitForTimeoutAsync(150);
        Assert.True(
            await log.EvaluateAsync<bool>("l => l.scrollHeight - l.scrollTop - l.clientHeight <= 60"),
            "the log did not follow the answer: " + await log.EvaluateAsync<string>(
                "l => `top ${l.scrollTop} height ${l.scrollHeight} client ${l.clientHeight} follow ${l.dataset.follow} scripts ${[...document.scripts].map(s => s.src).join(' ')}`"));

        if (await answer.GetAttributeAsync("data-streaming") == "true")
        {
            // Scrolled up while it streams: the log stays put and offers the way back.
            await log.EvaluateAsync("l => { l.scrollTop = 0; l.dispatchEvent(new Event('scroll')); }");
            await page.WaitForTimeoutAsync(300);
            if (await answer.GetAttributeAsync("data-streaming") == "true")
            {
                Assert.True(await log.EvaluateAsync<double>("l => l.scrollTop") < 50, "the log pulled the reader down while they read");
                await Assertions.Expect(page.GetByTestId("chat-jump")).ToBeVisibleAsync();
            }

            // Esc stops the answer.
            await page.Keyboard.PressAsync("Escape");
            await Assertions.Expect(answer).ToHaveAttributeAsync("data-streaming", "false", new() { Timeout = 30_000 });
        }

        // The code block in the question has a working Copy button.
        await page.Locator("[data-role='user'] [data-testid=code-copy]").ClickAsync();
        Assert.Equal("print('hi')", (await page.EvaluateAsync<string>("() => navigator.clipboard.readText()")).Trim());

        // Regenerate keeps the first answer; both can be paged through.
        var first = await answer.GetByTestId("chat-text").InnerTextAsync();
        await page.GetByTestId("chat-regenerate").ClickAsync();
        var versions = page.GetByTestId("chat-version");
        await Assertions.Expect(versions).ToHaveTextAsync("Answer 2 of 2", new() { Timeout = 30_000 });
        if (await page.GetByTestId("chat-stop").IsVisibleAsync())
        {
            await page.Keyboard.PressAsync("Escape");
        }

        await Assertions.Expect(answer).ToHaveAttributeAsync("data-streaming", "false", new() { Timeout = 30_000 });
        await page.GetByTestId("chat-version-previous").ClickAsync();
        await Assertions.Expect(versions).ToHaveTextAsync("Answer 1 of 2");
        Assert.Equal(first, await answer.GetByTestId("chat-text").InnerTextAsync());
        await BrowserFixture.CaptureAsync(page, "chat-answer-versions");
    }

    /// <summary>The elements that reach past the right edge, widest first: what to fix when a page is too wide.</summary>
    private static Task<string> WidestAsync(IPage page) => page.EvaluateAsync<string>(
        """
        () => [...document.querySelectorAll('body *')]
          .map(e => ({ e, r: e.getBoundingClientRect() }))
          .filter(x => x.r.right > window.innerWidth + 1 && x.r.width > 0)
          .sort((a, b) => b.r.right - a.r.right)
          .slice(0, 6)
          .map(x => `${x.e.tagName.toLowerCase()}${x.e.dataset.testid ? '[' + x.e.dataset.testid + ']' : ''}.${[...x.e.classList].slice(0, 3).join('.')} →${Math.round(x.r.right)}px`)
          .join(', ')
        """);
}
