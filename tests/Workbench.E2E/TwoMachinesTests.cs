using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Workbench.Web.Library;
using Workbench.Web.Tests.TestSupport;
using Workbench.Web.Workers;

namespace Workbench.E2E;

/// <summary>
/// A dashboard of its own with a second real worker process joining as another machine would: both machines on the
/// Hardware and Telemetry pages, and a chat whose model is pinned to the second machine streams from it.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class TwoMachinesTests(BrowserFixture browser)
{
    private const string SecondMachine = "second-box";

    [Fact]
    public async Task Both_machines_are_shown_and_a_chat_on_the_second_streams_from_it()
    {
        await using var server = new WorkbenchServer();
        await using var second = new ExtraWorkerProcess(new Uri(server.BaseUrl), server.Services, SecondMachine);
        var registry = server.Services.GetRequiredService<WorkerRegistry>();
        await WaitUntilAsync(() => registry.Workers.Count == 2, "both workers to connect");
        var library = server.Services.GetRequiredService<LibraryIndex>();
        await WaitUntilAsync(() => library.Models.Count(m => m.Error is null) >= WorkbenchServer.LibraryModelNames.Length, "the library to be indexed");
        var fleet = server.Services.GetRequiredService<FleetAdministration>();
        foreach (var model in library.Models.Where(m => m.Error is null))
        {
            await fleet.PinAsync(model.PrimaryPath, SecondMachine, CancellationToken.None);
        }

        var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);

        await OpenAsync(page, server, "/hardware");
        await Assertions.Expect(page.GetByTestId("hardware-host")).ToHaveCountAsync(2, new() { Timeout = 60_000 });
        await Assertions.Expect(page.GetByTestId("hardware-host").First).ToContainTextAsync("(this machine)");
        await Assertions.Expect(page.GetByTestId("hardware-host").Nth(1)).ToHaveTextAsync(SecondMachine);

        await OpenAsync(page, server, "/telemetry");
        await Assertions.Expect(page.GetByTestId("telemetry-host")).ToHaveCountAsync(2, new() { Timeout = 60_000 });
        await Assertions.Expect(page.GetByTestId("telemetry-host").Nth(1)).ToHaveTextAsync(SecondMachine);
        await BrowserFixture.CaptureAsync(page, "telemetry-two-machines");

        await OpenAsync(page, server, "/chat");
        await page.Locator("textarea[data-testid=chat-input], [data-testid=chat-input] textarea").FillAsync("Which machine answers?");
        await page.GetByTestId("chat-send").ClickAsync();
        await page.Locator("[data-role='assistant'][data-streaming='false']").WaitForAsync(new() { Timeout = 90_000 });

        Assert.Equal(SecondMachine, Assert.Single(registry.Workers, w => w.Resident.Count > 0).Registration.HostName);
        await Assertions.Expect(page.GetByTestId("strip-host")).ToHaveTextAsync(SecondMachine);
        await BrowserFixture.CaptureAsync(page, "chat-second-machine");
        await context.CloseAsync();
    }

    private static async Task OpenAsync(IPage page, WorkbenchServer server, string path)
    {
        await page.GotoAsync(server.BaseUrl + path);
        await page.Locator("#interactive-marker[data-interactive='true']").WaitForAsync(new() { State = WaitForSelectorState.Attached });
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(90))
            {
                throw new TimeoutException($"Timed out waiting for {what}.");
            }

            await Task.Delay(100);
        }
    }
}
