using Microsoft.Extensions.DependencyInjection;
using Workbench.Core.DemoModel;
using Workbench.Web.Api.Compat;
using Workbench.Web.Tests.TestSupport;
using Workbench.Web.Workers;

namespace Workbench.Web.Tests.Api.Compat;

/// <summary>A dashboard with the API's default key setting (loopback needs none) and loading on request turned off.</summary>
public sealed class LoadingOffServer : IAsyncLifetime
{
    private readonly DirectoryInfo _models = Directory.CreateTempSubdirectory("workbench-compat-off-");

    public LoadingOffServer()
    {
        DemoModelGenerator.Write(Path.Combine(_models.FullName, CompatApiServer.Alpha + ".gguf"));
        DemoModelGenerator.Write(Path.Combine(_models.FullName, CompatApiServer.Beta + ".gguf"));
        Server = new RealWorkerServer("compat-off", new Dictionary<string, string>
        {
            ["Workbench:ModelRoots:0"] = _models.FullName,
            ["Workbench:Api:LoadModelOnDemand"] = "false",
        });
    }

    public RealWorkerServer Server { get; }

    public async Task InitializeAsync()
    {
        var registry = Server.Services.GetRequiredService<WorkerRegistry>();
        var models = Server.Services.GetRequiredService<CompatModelResolver>();
        await RealWorkerServer.WaitUntilAsync(() => registry.Workers.Count > 0, "the local worker to connect");
        await RealWorkerServer.WaitUntilAsync(() => models.Models.Count == 2, "the library scan to index both models");
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        _models.Delete(recursive: true);
    }
}
