using Microsoft.Extensions.Options;
using Workbench.Worker.Connection;
using Workbench.Worker.Probes;
using Workbench.Worker.Runtime;
using Workbench.Worker.Telemetry;

namespace Workbench.Worker.Hosting;

/// <summary>Registers the worker's services.</summary>
public static class WorkerServiceCollectionExtensions
{
    /// <summary>Adds the model runtime, the hub connection, the telemetry sampler and the parent watchdog.</summary>
    public static IServiceCollection AddWorkbenchWorker(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WorkerOptions>()
            .Bind(configuration.GetSection(WorkerOptions.Section))
            .Configure(options =>
            {
                // The dashboard's setting names, so one environment variable serves a machine's worker and its dashboard.
                var runtime = configuration.GetSection("Workbench:Runtime");
                options.Threads = runtime.GetValue<int?>("Threads") ?? options.Threads;
                options.BatchThreads = runtime.GetValue<int?>("BatchThreads") ?? options.BatchThreads;
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<WorkerOptions>, WorkerOptionsValidator>();
        services.AddSingleton(TimeProvider.System);
        services.AddWorkbenchProbes(configuration);
        services.AddSingleton<NativeBackend>();
        services.AddSingleton<ModelRuntime>();
        services.AddSingleton<GenerationRegistry>();
        services.AddSingleton<WorkerHubLink>();
        services.AddSingleton<Library.WorkerModelInventory>();
        services.AddSingleton<TelemetrySampler>();
        services.AddHostedService<HubConnectionService>();
        services.AddHostedService<TelemetrySamplingService>();
        services.AddHostedService<ParentProcessWatchdog>();
        return services;
    }
}
