using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
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
}
