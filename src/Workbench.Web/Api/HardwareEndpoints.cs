using Workbench.Core.Hardware;
using Workbench.Core.Protocol;
using Workbench.Core.Telemetry;
using Workbench.Web.Telemetry;
using Workbench.Web.Workers;

namespace Workbench.Web.Api;

/// <summary>Hardware and telemetry of the connected workers under <c>/workbench/v1</c>.</summary>
public static class HardwareEndpoints
{
    /// <summary>Maps the endpoints.</summary>
    public static RouteGroupBuilder MapHardwareApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/workbench/v1");
        api.MapGet("/hardware", (WorkerRegistry registry, System.Security.Claims.ClaimsPrincipal viewer) =>
                registry.Workers.Select(w => WorkerHardware.From(w, viewer)).ToList())
            .WithTags("Hardware")
            .WithName("ListHardware")
            .WithSummary("Every connected worker with its machine's hardware and the model tier it is in.");
        api.MapGet("/telemetry", (DateTimeOffset? since, TelemetryStore store, TimeProvider time) =>
                store.Since(since ?? time.GetUtcNow().AddMinutes(-1))
                    .Select(host => new WorkerTelemetry(host.Key, host.Value))
                    .ToList())
            .WithTags("Telemetry")
            .WithName("ListTelemetry")
            .WithSummary("Telemetry samples per worker host taken after 'since' (ISO 8601; default: the last minute).");
        return api;
    }
}

/// <summary>A connected worker and its machine.</summary>
/// <param name="HostName">Machine the worker runs on.</param>
/// <param name="Registration">What the worker said about itself (process id 0 and no path unless the owner asks).</param>
/// <param name="ConnectedAt">When it registered.</param>
/// <param name="Hardware">Its machine's hardware; null until the worker has reported it.</param>
/// <param name="Advice">Which model sizes the machine runs well; null until the hardware is known.</param>
public sealed record WorkerHardware(
    string HostName,
    WorkerRegistration Registration,
    DateTimeOffset ConnectedAt,
    HardwareSnapshot? Hardware,
    HardwareTierAdvice? Advice)
{
    /// <summary>The entry for a connected worker as <paramref name="viewer"/> may see it.</summary>
    public static WorkerHardware From(ConnectedWorker worker, System.Security.Claims.ClaimsPrincipal? viewer)
    {
        ArgumentNullException.ThrowIfNull(worker);
        return new(
            worker.Registration.HostName,
            Security.OwnerDetails.RegistrationFor(viewer, worker.Registration),
            worker.ConnectedAt,
            worker.Hardware is { } hardware ? Security.OwnerDetails.HardwareFor(viewer, hardware) : null,
            worker.Hardware?.AdviseTier());
    }
}

/// <summary>Telemetry of one worker host.</summary>
/// <param name="HostName">The machine.</param>
/// <param name="Samples">Samples, oldest first.</param>
public sealed record WorkerTelemetry(string HostName, IReadOnlyList<TelemetrySample> Samples);
