using Bunit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Workbench.Core.Tests.TestSupport;

namespace Workbench.Web.Tests.TestSupport;

/// <summary>
/// The dashboard the hub tests share: no worker, no demo model, no discovered model stores, its own data folder and
/// model folder, and a local hub-compatible server as its Hugging Face endpoint.
/// </summary>
internal static class HubDashboard
{
    /// <summary>Starts it for <paramref name="hub"/>; <paramref name="configure"/> adds the test's own settings or services.</summary>
    public static WebApplicationFactory<Program> Start(LocalHub hub, string dataDirectory, string modelRoot, Action<IWebHostBuilder>? configure = null) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Workbench:DataDirectory", dataDirectory);
            b.UseSetting("Workbench:DiscoverKnownStores", "false");
            b.UseSetting("Workbench:GenerateDemoModel", "false");
            b.UseSetting("Workbench:ModelRoots:0", modelRoot);
            b.UseSetting("Workbench:Supervisor:StartLocalWorker", "false");
            b.UseSetting("Workbench:HuggingFace:Endpoint", hub.Endpoint.ToString());
            configure?.Invoke(b);
        });

    /// <summary>
    /// Readies <paramref name="context"/> to render one of <paramref name="dashboard"/>'s pages: MudBlazor's services and
    /// the dashboard's own instances of <paramref name="services"/>, so the page works on the dashboard's real state.
    /// </summary>
    public static void ShareWith(this WebApplicationFactory<Program> dashboard, BunitContext context, params Type[] services)
    {
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        foreach (var service in services)
        {
            context.Services.AddSingleton(service, dashboard.Services.GetRequiredService(service));
        }
    }
}
