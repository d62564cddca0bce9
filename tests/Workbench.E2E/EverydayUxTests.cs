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
        // The log scrolls at the next animation frame after a change, and the answer keeps growing meanwhile, so the
        // check is that it reaches its end within a moment (a log that does not follow stays at its top), not that a
        // second look, a chunk later, still finds it there.
        Assert.True(
            await WaitUntilTrueAsync(page, "() => { const l = document.querySelector('[data-testid=\"chat-log\"]'); return l.scrollHeight - l.scrollTop - l.clientHeight <= 60; }"),
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
        // The screenshot shows the pager under the answer, not wherever the reader scrolled to.
        await log.EvaluateAsync("l => { l.scrollTop = l.scrollHeight; }");
        await BrowserFixture.CaptureAsync(page, "chat-answer-versions");
    }

    [Fact]
    public async Task Editing_a_question_starts_a_branch_and_the_earlier_branch_stays_a_page_away_after_a_reload()
    {
        var page = await browser.OpenAsync("/chat", new ViewportSize { Width = 1440, Height = 900 });
        await page.GetByTestId("connected-worker").First.WaitForAsync(new() { Timeout = 60_000 });
        var question = page.Locator("[data-role='user']").First;
        var answer = page.Locator("[data-role='assistant']").Last;

        await page.Locator(Input).FillAsync("Name a cat");
        await page.Locator(Input).PressAsync("Enter");
        await StopAnswerAsync(page, answer);
        var firstAnswer = await answer.GetByTestId("chat-text").InnerTextAsync();

        // Edit the question in place: Enter sends the edit as a new branch.
        await question.GetByTestId("chat-edit-start").ClickAsync();
        var edit = question.Locator("textarea[data-testid=chat-edit-input], [data-testid=chat-edit-input] textarea");
        await Assertions.Expect(edit).ToHaveValueAsync("Name a cat");
        await edit.FillAsync("Name a dog");
        await edit.PressAsync("Enter");
        await Assertions.Expect(question.GetByTestId("chat-branch")).ToHaveTextAsync("Version 2 of 2", new() { Timeout = 30_000 });
        await Assertions.Expect(question.GetByTestId("chat-text")).ToHaveTextAsync("Name a dog");
        await StopAnswerAsync(page, answer);
        await Assertions.Expect(page.Locator("[data-role='user']")).ToHaveCountAsync(1);
        await BrowserFixture.CaptureAsync(page, "chat-edit-branch");

        // The earlier branch, answer included, is a page away, and stays so in the saved conversation.
        await question.GetByTestId("chat-branch-previous").ClickAsync();
        await Assertions.Expect(question.GetByTestId("chat-branch")).ToHaveTextAsync("Version 1 of 2");
        await Assertions.Expect(question.GetByTestId("chat-text")).ToHaveTextAsync("Name a cat");
        Assert.Equal(firstAnswer, await answer.GetByTestId("chat-text").InnerTextAsync());

        await page.ReloadAsync();
        await page.Locator("#interactive-marker[data-interactive='true']").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await Assertions.Expect(question.GetByTestId("chat-branch")).ToHaveTextAsync("Version 1 of 2");
        await question.GetByTestId("chat-branch-next").ClickAsync();
        await Assertions.Expect(question.GetByTestId("chat-text")).ToHaveTextAsync("Name a dog");
    }

    [Fact]
    public async Task On_a_phone_the_settings_tables_and_the_sign_in_codes_fit_the_screen()
    {
        var page = await browser.OpenAsync("/settings", new ViewportSize { Width = 390, Height = 844 });

        // The defaults for new chats open in place, as on the Chat page.
        await page.GetByTestId("chat-defaults-panel").GetByTestId("chat-settings-toggle").ClickAsync();
        await page.GetByTestId("chat-defaults-panel").GetByTestId("sampling-temperature").First.WaitForAsync();
        await page.Locator("input[data-testid=access-token-name]").FillAsync("phone");
        await page.GetByTestId("access-token-create").ClickAsync();
        await page.GetByTestId("signin-qr").First.WaitForAsync();

        // Nothing reaches past the right edge, and no table hides a part of itself in a sideways scroll.
        var clipped = await page.EvaluateAsync<string[]>(
            """
            () => [...document.querySelectorAll('[data-testid=model-roots], [data-testid=chat-defaults-panel], [data-testid=access-tokens], [data-testid=api-keys], [data-testid=signin-link]')]
              .flatMap(t => [t, ...t.querySelectorAll('*')])
              // A click's ripple grows past its button for a moment, inside the button's clipping.
              .filter(e => !e.classList.contains('mud-ripple-effect'))
              .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 || (e.classList.contains('mud-table-container') && e.scrollWidth > e.clientWidth + 1))
              .map(e => `${e.tagName.toLowerCase()}.${[...e.classList].slice(0, 2).join('.')} →${Math.round(e.getBoundingClientRect().right)}px`)
            """);
        Assert.True(clipped.Length == 0, string.Join(", ", clipped));
        Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth") <= 0, "/settings overflows");
        var code = (await page.GetByTestId("signin-qr").First.BoundingBoxAsync())!;
        Assert.True(code.Width >= 140, $"the QR code is {code.Width}px wide");
        await BrowserFixture.CaptureAsync(page, "settings-phone-signin");
    }

    /// <summary>Once the answer has some text (or has ended), stops it if it still streams (Esc) and waits until it has ended.</summary>
    private static async Task StopAnswerAsync(IPage page, ILocator answer)
    {
        await answer.WaitForAsync(new() { Timeout = 30_000 });
        await page.WaitForFunctionAsync(
            """
            () => {
              const answers = document.querySelectorAll('[data-role="assistant"]');
              const last = answers[answers.length - 1];
              return last && (last.dataset.streaming === 'false' || last.querySelector('[data-testid="chat-text"]').innerText.trim().length > 0);
            }
            """,
            null,
            new() { Timeout = 60_000 });
        if (await page.GetByTestId("chat-stop").IsVisibleAsync())
        {
            await page.Keyboard.PressAsync("Escape");
        }

        await Assertions.Expect(answer).ToHaveAttributeAsync("data-streaming", "false", new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByTestId("chat-send")).ToBeVisibleAsync();
    }

    /// <summary>The elements that reach past the right edge, widest first: what to fix when a page is too wide.</summary>
    // Waits up to 3 s for the condition; the assertion after it says what was wrong when it never held.
    private static async Task<bool> WaitUntilTrueAsync(IPage page, string condition)
    {
        try
        {
            await page.WaitForFunctionAsync(condition, null, new() { Timeout = 3_000 });
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

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
