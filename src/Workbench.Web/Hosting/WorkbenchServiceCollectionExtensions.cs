using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using Workbench.Web.Api.Compat;
using Workbench.Web.Chat;
using Workbench.Web.Data;
using Workbench.Web.Library;
using Workbench.Web.Telemetry;
using Workbench.Web.Workers;

namespace Workbench.Web.Hosting;

/// <summary>Registrations of the dashboard, grouped by concern.</summary>
public static class WorkbenchServiceCollectionExtensions
{
    /// <summary>Settings (validated at start-up) and the data folder.</summary>
    public static IServiceCollection AddWorkbenchOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WorkbenchOptions>()
            .Bind(configuration.GetSection(WorkbenchOptions.Section))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WorkbenchOptions>, WorkbenchOptionsValidator>());
        services.AddOptions<WorkerSupervisorOptions>()
            .Bind(configuration.GetSection(WorkerSupervisorOptions.Section))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WorkerSupervisorOptions>, WorkerSupervisorOptionsValidator>());
        services.AddOptions<RuntimeOptions>()
            .Bind(configuration.GetSection(RuntimeOptions.Section))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RuntimeOptions>, RuntimeOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DataFolderHealth>();
        return services;
    }

    /// <summary>Workers: the hub they connect to, the gateway to them and the local worker's supervisor.</summary>
    public static IServiceCollection AddWorkbenchWorkers(this IServiceCollection services)
    {
        services.AddSignalR().AddHubOptions<WorkerHub>(hub =>
        {
            // A streamed answer is a running invocation; let registration and other calls pass beside it.
            hub.MaximumParallelInvocationsPerClient = 8;
            // A hardware report with many GPU processes is the largest message; anything far bigger is not a worker's.
            hub.MaximumReceiveMessageSize = 1024 * 1024;
        });
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.Section);
        services.TryAddSingleton<TelemetryStore>();
        services.TryAddSingleton<WorkerRegistry>();
        services.TryAddSingleton<FleetChoices>();
        services.AddHostedService(sp => sp.GetRequiredService<FleetChoices>());
        services.TryAddSingleton<FleetView>();
        services.TryAddSingleton<FleetAdministration>();
        services.TryAddSingleton<WorkerModels>();
        services.TryAddSingleton<WorkerTurns>();
        services.TryAddSingleton<ModelSlots>();
        services.TryAddSingleton<WorkerActivityLog>();
        services.TryAddSingleton<Workbench.Web.Estimation.MeasuredSpeeds>();
        services.TryAddSingleton<WorkerGateway>();
        services.TryAddSingleton<KeepAliveDefault>();
        services.AddHostedService(sp => sp.GetRequiredService<KeepAliveDefault>());
        services.TryAddSingleton<ModelKeepAlive>();
        services.AddHostedService(sp => sp.GetRequiredService<ModelKeepAlive>());
        services.TryAddSingleton<ModelCrashLedger>();
        services.TryAddSingleton<WorkerSupervisor>();
        services.AddHostedService(sp => sp.GetRequiredService<WorkerSupervisor>());
        services.AddHostedService<HardwareRefreshOnModelRootChange>();
        services.AddHealthChecks().AddCheck<WorkerHealthCheck>("workers");
        // The check logs a change of state once; the framework would log a warning on every degraded probe.
        services.TryAddSingleton<HealthStateLog>();
        services.AddLogging(logging => logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService", LogLevel.Error));
        return services;
    }

    /// <summary>The OpenAI- and Ollama-compatible API: its settings, keys, model loading and request log.</summary>
    public static IServiceCollection AddWorkbenchApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApiOptions>()
            .Bind(configuration.GetSection(ApiOptions.Section))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ApiOptions>, ApiOptionsValidator>());
        services.TryAddSingleton<ApiKeyStore>();
        services.TryAddSingleton<ApiRequestLog>();
        services.TryAddSingleton<ModelCrashLedger>();
        services.TryAddSingleton<CompatModelResolver>();
        services.TryAddSingleton<ApiGeneration>();
        services.TryAddSingleton<ApiEmbeddings>();
        services.TryAddSingleton<ApiClientQuota>();
        return services;
    }

    /// <summary>Model files and the first-run demo model.</summary>
    public static IServiceCollection AddWorkbenchLibrary(this IServiceCollection services)
    {
        services.TryAddSingleton<WorkbenchDatabase>();
        services.AddHostedService<DatabaseBackupService>();
        services.TryAddSingleton<LocalModelFiles>();
        services.TryAddSingleton<DemoModelProvisioner>();
        services.AddHostedService(sp => sp.GetRequiredService<DemoModelProvisioner>());
        services.TryAddSingleton<LibraryStore>();
        services.TryAddSingleton<LibraryIndex>();
        services.TryAddSingleton<ModelLoadFailures>();
        services.TryAddSingleton<LibraryScanService>();
        services.TryAddSingleton<Workbench.Web.Estimation.EstimationModelSource>();
        services.TryAddSingleton<Workbench.Web.Estimation.LibraryFit>();
        services.TryAddSingleton<Workbench.Web.Estimation.LoadMeasurementStore>();
        services.TryAddSingleton<Workbench.Web.Estimation.LoadedModelEstimates>();
        services.TryAddSingleton<Workbench.Web.Estimation.KvCacheMeter>();
        services.TryAddSingleton<Workbench.Web.Estimation.LoadPlanner>();
        services.TryAddSingleton<Workbench.Web.Estimation.LoadMeasurements>();
        services.AddHostedService(sp => sp.GetRequiredService<Workbench.Web.Estimation.LoadMeasurements>());
        services.AddHostedService(sp => sp.GetRequiredService<LibraryScanService>());
        services.TryAddSingleton<ModelRootStore>();
        services.TryAddSingleton<ModelRootCatalog>();
        services.AddHostedService<ModelRootWatcher>();
        return services;
    }

    /// <summary>Hugging Face repositories: the hub client, header reads and their cache, download targets.</summary>
    public static IServiceCollection AddWorkbenchHub(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<Hub.HuggingFaceOptions>()
            .Bind(configuration.GetSection(Hub.HuggingFaceOptions.Section))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<Hub.HuggingFaceOptions>, Hub.HuggingFaceOptionsValidator>());
        // The hub client follows redirects itself, so its token never reaches the storage hosts downloads are sent to.
        services.AddHttpClient(Hub.HubClientFactory.HttpClientName, http => http.Timeout = TimeSpan.FromMinutes(2))
            .ConfigurePrimaryHttpMessageHandler(Workbench.Core.Hub.HubClient.CreateHandler);
        services.TryAddSingleton<Workbench.Core.Hardware.IDiskProbe, Workbench.Worker.Probes.SystemDiskProbe>();
        services.TryAddSingleton<Hub.HubClientFactory>();
        services.TryAddSingleton<Hub.HubReadCache>();
        services.TryAddSingleton<Hub.HubRepositoryReader>();
        services.TryAddSingleton<Hub.DownloadTargets>();
        services.TryAddSingleton<Hub.DownloadStore>();
        services.TryAddSingleton<Hub.DownloadService>();
        services.AddHostedService(sp => sp.GetRequiredService<Hub.DownloadService>());
        return services;
    }

    /// <summary>Blazor, MudBlazor and per-circuit state.</summary>
    public static IServiceCollection AddWorkbenchUi(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents()
            // The browser sends clicks and text; 64 KiB leaves room for a long chat message and no more.
            .AddHubOptions(hub => hub.MaximumReceiveMessageSize = 64 * 1024);
        services.AddOpenApi();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        services.AddMudServices();
        services.TryAddSingleton<ConversationStore>();
        services.TryAddSingleton<ChatDefaultsStore>();
        services.TryAddSingleton<IChatBackend, WorkerChatBackend>();
        services.AddOptions<ChatOptions>().BindConfiguration(ChatOptions.Section);
        services.TryAddScoped<ChatSession>();
        return services;
    }
}
