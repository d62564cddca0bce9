using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Workbench.Web.Data;
using Workbench.Web.Hosting;
using Workbench.Web.Workers;

namespace Workbench.Web.Tests.TestSupport;

/// <summary>The fleet services pages inject (names, the local worker), over a real database in <paramref name="dataDirectory"/>.</summary>
public static class TestFleet
{
    public static FleetView Add(IServiceCollection services, WorkerRegistry registry, string dataDirectory)
    {
        var database = new WorkbenchDatabase(Options.Create(new WorkbenchOptions { DataDirectory = dataDirectory }));
        var choices = new FleetChoices(database, TimeProvider.System, NullLogger<FleetChoices>.Instance);
        var view = new FleetView(registry, choices);
        services.AddSingleton(choices);
        services.AddSingleton(view);
        return view;
    }
}
