using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using Workbench.Web.Components.Shared;
using Workbench.Web.Data;
using Workbench.Web.Hosting;

namespace Workbench.Web.Tests.Components;

/// <summary>The Overview page's line about a data folder that stopped taking writes.</summary>
public sealed class DataFolderAlertTests : IAsyncLifetime
{
    private readonly BunitContext _context = new();
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("workbench-alert-");
    private readonly DataFolderHealth _health = new(Options.Create(new WorkbenchOptions { DataDirectory = "/srv/workbench" }));

    public Task InitializeAsync()
    {
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddMudServices();
        _context.Services.AddSingleton(_health);
        _context.Services.AddSingleton(new WorkbenchDatabase(Options.Create(new WorkbenchOptions { DataDirectory = _folder.FullName })));
        return Task.CompletedTask;
    }

    [Fact]
    public void A_full_data_folder_shows_what_is_not_saved_and_the_line_goes_when_a_save_succeeds()
    {
        var alert = _context.Render<DataFolderAlert>();
        Assert.Empty(alert.FindAll("[data-testid=data-folder-problem]"));

        _health.Failed(DataFolderWriter.Conversations, new IOException("No space left on device"));
        alert.WaitForAssertion(() => Assert.Equal(
            "The data folder /srv/workbench is full — chats are not being saved.",
            alert.Find("[data-testid=data-folder-problem]").TextContent.Trim()));

        _health.Succeeded(DataFolderWriter.Conversations);
        alert.WaitForAssertion(() => Assert.Empty(alert.FindAll("[data-testid=data-folder-problem]")));
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        _folder.Delete(recursive: true);
    }
}
