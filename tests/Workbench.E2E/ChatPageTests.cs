using Microsoft.Playwright;

namespace Workbench.E2E;

[Collection(BrowserTestGroup.Name)]
public sealed class ChatPageTests(BrowserFixture browser)
{
    [Fact]
    public async Task Sending_a_message_streams_the_demo_models_answer_into_the_page()
    {
        var page = await browser.OpenAsync("/chat");
        // Record every text length the answer shows, to prove it arrived in pieces rather than at once.
        await page.EvaluateAsync("""
            () => {
              window.__answerLengths = [];
              new MutationObserver(() => {
                const answers = document.querySelectorAll('[data-role="assistant"] [data-testid="chat-text"]');
                if (answers.length) window.__answerLengths.push(answers[answers.length - 1].textContent.length);
              }).observe(document.body, { subtree: true, childList: true, characterData: true });
            }
            """);
        await page.GetByTestId("connected-worker").First.WaitForAsync(new() { Timeout = 60_000 });

        await page.Locator("textarea[data-testid=chat-input], [data-testid=chat-input] textarea").FillAsync("Hello, workstation!");
        await page.GetByTestId("chat-send").ClickAsync();

        var answer = page.Locator("[data-role='assistant'][data-streaming='false']");
        try
        {
            await answer.WaitForAsync(new() { Timeout = 60_000 });
        }
        catch (TimeoutException)
        {
            // The worker's own log says where the answer got stuck.
            var log = await File.ReadAllLinesAsync(Path.Combine(browser.Server.DataDirectory, "logs", "worker.log"));
            Assert.Fail("The answer did not finish. Worker log tail:\n" + string.Join('\n', log.TakeLast(30)));
        }
        var text = await answer.GetByTestId("chat-text").InnerTextAsync();
        var stats = await answer.GetByTestId("chat-stats").InnerTextAsync();
        var lengths = await page.EvaluateAsync<int[]>("() => window.__answerLengths");

        Assert.False(string.IsNullOrWhiteSpace(text));
        Assert.Matches(@"^\d+ tokens", stats.Trim());
        Assert.True(lengths.Where(l => l > 0).Distinct().Count() >= 2,
            $"expected the answer to grow in several renders; saw lengths [{string.Join(", ", lengths)}]");

        // The answer says what it added to the KV cache, and the live strip draws the cache after each answer.
        await Assertions.Expect(answer.GetByTestId("chat-kv")).ToContainTextAsync("KV cache +");
        await Assertions.Expect(page.GetByTestId("kv-growth-text")).ToContainTextAsync("after 1 answer");
        await Assertions.Expect(page.GetByTestId("kv-growth-chart").Locator("svg rect, svg path").First).ToBeAttachedAsync();
        await BrowserFixture.CaptureAsync(page, "chat");

        // With the demo model loaded, the Telemetry page's RAM chart carries its estimate as a reference line.
        var telemetry = await browser.OpenAsync("/telemetry");
        await Assertions.Expect(telemetry.GetByTestId("chart-ram")).ToContainTextAsync("Loaded model, estimated", new() { Timeout = 30_000 });
        await BrowserFixture.CaptureAsync(telemetry, "telemetry-with-model");
    }

    [Fact]
    public async Task The_chosen_context_is_the_window_the_model_answers_with()
    {
        var page = await browser.OpenAsync("/chat");
        await page.GetByTestId("connected-worker").First.WaitForAsync(new() { Timeout = 60_000 });

        await page.GetByTestId("context-select").ClickAsync();
        // Longer than the 4k default, so the model is (re)loaded with it whatever other tests loaded before.
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "8k tokens" }).ClickAsync();
        await page.Locator("textarea[data-testid=chat-input], [data-testid=chat-input] textarea").FillAsync("How big is your window?");
        await page.GetByTestId("chat-send").ClickAsync();

        await page.Locator("[data-role='assistant'][data-streaming='false']").WaitForAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(page.GetByTestId("context-usage-text")).ToContainTextAsync("/ 8,192 tokens");

        // A smaller pick is kept with the conversation; the model stays at 8k for now, and chat says so and why.
        await page.GetByTestId("context-select").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "2k tokens" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("chat-loaded-window")).ToContainTextAsync("window of 8k tokens, larger than the 2k chosen here");
        await page.ReloadAsync();
        await page.Locator("#interactive-marker[data-interactive='true']").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await page.WaitForFunctionAsync(
            "() => { const s = document.querySelector('[data-testid=context-select]'); return s && ((s.value ?? '') + s.textContent).includes('2k tokens'); }");
    }
    [Fact]
    public async Task Load_settings_show_their_verdict_refuse_what_llama_cpp_would_and_load_the_cache_chosen()
    {
        var page = await browser.OpenAsync("/chat", new ViewportSize { Width = 390, Height = 844 });
        await page.GetByTestId("connected-worker").First.WaitForAsync(new() { Timeout = 60_000 });
        await page.GetByTestId("load-controls-toggle").ClickAsync();
        var verdict = page.GetByTestId("load-verdict");
        await Assertions.Expect(verdict).ToContainTextAsync("runs on the CPU");

        // The demo model's heads are 16 wide: llama.cpp refuses a q8_0 cache (blocks of 32) for it, and so do we.
        await page.GetByTestId("load-kv-cache").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "q8_0" }).ClickAsync();
        await Assertions.Expect(verdict).ToContainTextAsync("do not divide the heads of 16");
        await page.GetByTestId("load-kv-cache").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "f32" }).ClickAsync();
        await Assertions.Expect(verdict).ToContainTextAsync("runs on the CPU");
        await Assertions.Expect(page.GetByTestId("load-controls-toggle")).ToContainTextAsync("chosen by hand");
        Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth") <= 0, "the load settings push the page past a phone's width");
        await BrowserFixture.CaptureAsync(page, "chat-load-settings-phone");

        await page.Locator("textarea[data-testid=chat-input], [data-testid=chat-input] textarea").FillAsync("Hello");
        await page.GetByTestId("chat-send").ClickAsync();
        await page.Locator("[data-role='assistant'][data-streaming='false']").WaitForAsync(new() { Timeout = 60_000 });

        // The KV growth under the chat counts the f32 cache: a 4k window of this model is 2 MiB in f32 (1 MiB in f16).
        await Assertions.Expect(page.GetByTestId("kv-growth-text")).ToContainTextAsync("of 2 MiB");

        // The worker loaded the model with the cache chosen.
        var workers = await page.APIRequest.GetAsync(browser.Server.BaseUrl + "/workbench/v1/workers");
        var json = System.Text.Json.JsonDocument.Parse(await workers.TextAsync()).RootElement;
        var caches = json.EnumerateArray().SelectMany(w => w.GetProperty("residentModels").EnumerateArray()).Select(m => m.GetProperty("kvCache").GetString()).ToList();
        Assert.Contains("f32", caches);

        // Saved with the conversation: a reload (here on a desktop) shows the same choice.
        await page.SetViewportSizeAsync(1440, 900);
        await page.ReloadAsync();
        await page.Locator("#interactive-marker[data-interactive='true']").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await page.GetByTestId("load-controls-toggle").ClickAsync();
        await Assertions.Expect(page.GetByTestId("load-controls-toggle")).ToContainTextAsync("chosen by hand");
        await page.WaitForFunctionAsync(
            "() => { const s = document.querySelector('[data-testid=load-kv-cache]'); return s && ((s.value ?? '') + s.textContent).includes('f32'); }");
        await BrowserFixture.CaptureAsync(page, "chat-load-settings-desktop");
    }
}
