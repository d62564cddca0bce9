using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Workbench.Core.Estimation;
using Workbench.Core.Protocol;
using Workbench.Web.Estimation;
using Workbench.Web.Library;
using Workbench.Web.Workers;

namespace Workbench.Web.Api;

/// <summary>
/// The fleet's JSON API: <c>GET /workbench/v1/workers</c>, <c>POST /workbench/v1/models/{id}/load</c>, and the owner's
/// choices: name (<c>PATCH …/workers/{id}</c>), retire (<c>POST …/workers/{id}/retire</c>, undone by
/// <c>DELETE …/workers/retired/{name}</c>) and pins (<c>PUT/DELETE …/models/{id}/pin</c>).
/// </summary>
public static class WorkerEndpoints
{
    /// <summary>One connected worker: what it is, what it has and what it holds.</summary>
    public sealed record WorkerEntry(
        string Id,
        string Name,
        string HostName,
        bool Local,
        string Version,
        string Backend,
        IReadOnlyList<WorkerGpu> Gpus,
        long? RamTotalBytes,
        long? RamAvailableBytes,
        IReadOnlyList<WorkerModel> ResidentModels,
        int SlotsInUse,
        int Slots,
        string State,
        IReadOnlyList<string> PinnedModels);

    /// <summary>A GPU with its free and total VRAM.</summary>
    public sealed record WorkerGpu(string Name, long? FreeBytes, long? TotalBytes);

    /// <summary>A resident model (file name only unless the caller is the owner).</summary>
    public sealed record WorkerModel(
        string Model, int ContextPerSequence, int ParallelSequences, int Generating, int Waiting, long? Bytes, long? GpuBytes, DateTimeOffset? ExpiresAt, string? Placement,
        string KvCache, bool FlashAttention, int GpuLayers);

    /// <summary>
    /// What <c>POST /workbench/v1/models/{id}/load</c> takes; everything optional. <c>kvCache</c> is llama.cpp's
    /// cache type name for K and V ("f16", "q8_0" …), <c>flashAttention</c> on or off; unset ones follow the plan.
    /// </summary>
    public sealed record LoadRequest(string? WorkerId, int? Context, int? GpuLayers, string? KvCache = null, bool? FlashAttention = null);

    /// <summary>What <c>PATCH /workbench/v1/workers/{id}</c> takes: the machine's new name (blank: the name it reports).</summary>
    public sealed record RenameRequest(string? Name);

    /// <summary>What <c>PUT /workbench/v1/models/{id}/pin</c> takes: the worker (connection id, worker id or machine name).</summary>
    public sealed record PinRequest(string? WorkerId);

    /// <summary>A model's pin.</summary>
    public sealed record PinAnswer(string ModelId, string HostName);

    /// <summary>Where the model went and why.</summary>
    public sealed record LoadAnswer(
        string ModelId, string WorkerId, string HostName, string Placement, int ContextPerSequence, int ParallelSequences, int GpuLayers, double LoadMilliseconds,
        string KvCache, bool FlashAttention);

    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapWorkerApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/workbench/v1/workers", ListWorkers)
            .WithTags("Workers")
            .WithName("ListWorkers")
            .WithSummary("Every connected worker: host, version, backend, GPUs with free/total VRAM, RAM, resident models, slots in use and state.");
        endpoints.MapPost("/workbench/v1/models/{id}/load", LoadAsync)
            .WithTags("Workers")
            .WithName("LoadModel")
            .WithSummary("Loads a library model where the estimator places it (or on workerId), with optional context and gpuLayers; answers the worker and the reason.")
            .RequireAuthorization(Hosting.WorkbenchSecurityExtensions.OwnerPolicy);
        var owner = endpoints.MapGroup("/workbench/v1")
            .WithTags("Workers")
            .RequireAuthorization(Hosting.WorkbenchSecurityExtensions.OwnerPolicy);
        owner.MapPatch("/workers/{id}", RenameAsync)
            .WithName("RenameWorker")
            .WithSummary("Names a connected worker's machine (id: connection id, worker id or machine name); a blank name goes back to the one it reports.");
        owner.MapPost("/workers/{id}/retire", RetireAsync)
            .WithName("RetireWorker")
            .WithSummary("Retires a machine: its worker is told to stop and is refused when it connects again. The local worker cannot be retired.");
        owner.MapGet("/workers/retired", (FleetChoices choices) => choices.Retired.Order(StringComparer.Ordinal).ToList())
            .WithName("ListRetiredWorkers")
            .WithSummary("Machines retired from the dashboard.");
        owner.MapDelete("/workers/retired/{name}", RestoreAsync)
            .WithName("RestoreWorker")
            .WithSummary("Lets a retired machine join again.");
        owner.MapPut("/models/{id}/pin", PinAsync)
            .WithName("PinModel")
            .WithSummary("Pins a library model to a worker's machine: it is loaded there whenever that machine is connected.");
        owner.MapDelete("/models/{id}/pin", UnpinAsync)
            .WithName("UnpinModel")
            .WithSummary("Removes a model's pin; placement goes back to the estimator.");
        return endpoints;
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RenameAsync(string id, RenameRequest? body, FleetAdministration fleet, CancellationToken cancellationToken)
    {
        if (body?.Name is { Length: > 64 })
        {
            return TypedResults.Problem("name must be 64 characters or fewer.", statusCode: StatusCodes.Status400BadRequest);
        }

        return await fleet.NameAsync(id, body?.Name, cancellationToken) == FleetActionOutcome.Done
            ? TypedResults.NoContent()
            : NoWorker(id);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RetireAsync(string id, FleetAdministration fleet, CancellationToken cancellationToken) =>
        await fleet.RetireAsync(id, cancellationToken) switch
        {
            FleetActionOutcome.Done => TypedResults.NoContent(),
            FleetActionOutcome.LocalWorker => TypedResults.Problem(
                "The local worker runs inside this dashboard and cannot be retired; set Workbench:Supervisor:StartLocalWorker to false to run without it.",
                statusCode: StatusCodes.Status409Conflict),
            _ => NoWorker(id),
        };

    private static async Task<Results<NoContent, ProblemHttpResult>> RestoreAsync(string name, FleetAdministration fleet, CancellationToken cancellationToken) =>
        await fleet.RestoreAsync(name, cancellationToken) == FleetActionOutcome.Done
            ? TypedResults.NoContent()
            : TypedResults.Problem($"No retired machine is called '{name}'.", statusCode: StatusCodes.Status404NotFound);

    private static async Task<Results<Ok<PinAnswer>, ProblemHttpResult>> PinAsync(
        string id, PinRequest? body, LibraryIndex library, FleetAdministration fleet, FleetChoices choices, CancellationToken cancellationToken)
    {
        if (library.Find(id) is not { } model)
        {
            return TypedResults.Problem($"No model with id '{id}' is in the library.", statusCode: StatusCodes.Status404NotFound);
        }

        if (string.IsNullOrWhiteSpace(body?.WorkerId))
        {
            return TypedResults.Problem("workerId is required: a connected worker's id or machine name.", statusCode: StatusCodes.Status400BadRequest);
        }

        return await fleet.PinAsync(model.PrimaryPath, body.WorkerId, cancellationToken) == FleetActionOutcome.Done
            ? TypedResults.Ok(new PinAnswer(model.Id, choices.PinFor(model.PrimaryPath)!))
            : NoWorker(body.WorkerId);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> UnpinAsync(string id, LibraryIndex library, FleetAdministration fleet, CancellationToken cancellationToken)
    {
        if (library.Find(id) is not { } model)
        {
            return TypedResults.Problem($"No model with id '{id}' is in the library.", statusCode: StatusCodes.Status404NotFound);
        }

        return await fleet.UnpinAsync(model.PrimaryPath, cancellationToken)
            ? TypedResults.NoContent()
            : TypedResults.Problem($"The model '{id}' is not pinned.", statusCode: StatusCodes.Status404NotFound);
    }

    private static ProblemHttpResult NoWorker(string id) =>
        TypedResults.Problem($"No connected worker has the id or name '{id}'.", statusCode: StatusCodes.Status404NotFound);

    private static List<WorkerEntry> ListWorkers(
        WorkerRegistry registry, ModelKeepAlive keepAlive, FleetChoices choices, FleetAdministration fleet, ClaimsPrincipal viewer)
    {
        var owner = viewer.IsInRole(Security.AccessRoles.Owner);
        return [.. registry.Workers.Select(w => new WorkerEntry(
            w.ConnectionId,
            choices.DisplayName(w.Registration.HostName),
            w.Registration.HostName,
            fleet.IsLocal(w),
            w.Registration.Version,
            w.Registration.Backend,
            [.. (w.Hardware?.Gpus ?? []).Select(g => new WorkerGpu(g.Name ?? $"GPU {g.Index}", g.MemoryFreeBytes, g.MemoryTotalBytes))],
            w.Hardware?.Memory.TotalBytes,
            w.Hardware?.Memory.AvailableBytes,
            [.. w.Resident.OrderByDescending(m => m.LastUsed).Select(m => new WorkerModel(
                owner ? m.Path : Path.GetFileName(m.Path), m.Load.ContextSize, m.Slots, m.Generating, m.Waiting,
                m.Load.Buffers?.TotalBytes, m.Load.Buffers?.GpuBytes, keepAlive.UnloadsAt(m), m.Placement,
                m.Load.KvCache.DisplayName(), m.Load.FlashAttention, m.Load.GpuLayers))],
            w.Generating,
            w.Resident.Sum(m => m.Slots),
            w.Loading is not null ? "loading" : w.Generating > 0 ? "answering" : "idle",
            [.. choices.Pins.Where(p => p.Value == w.Registration.HostName).Select(p => owner ? p.Key : Path.GetFileName(p.Key)).Order(StringComparer.Ordinal)]))];
    }

    private static async Task<Results<Ok<LoadAnswer>, ProblemHttpResult>> LoadAsync(
        string id, LoadRequest? body, LibraryIndex library, LoadPlanner planner, WorkerGateway gateway, CancellationToken cancellationToken)
    {
        if (library.Find(id) is not { } model)
        {
            return TypedResults.Problem($"No model with id '{id}' is in the library.", statusCode: StatusCodes.Status404NotFound);
        }

        if (body?.Context is < 16 or > 10_000_000)
        {
            return TypedResults.Problem("context must be between 16 and 10,000,000 tokens.", statusCode: StatusCodes.Status400BadRequest);
        }

        KvCacheType? kvCache = null;
        if (body?.KvCache is { } cacheName)
        {
            if (!KvCacheTypes.TryParse(cacheName, out var parsed))
            {
                return TypedResults.Problem($"kvCache '{cacheName}' is not a cache type; use one of {KvCacheTypes.Names}.", statusCode: StatusCodes.Status400BadRequest);
            }

            kvCache = parsed;
        }

        var overrides = new LoadOverrides(body?.GpuLayers, kvCache, body?.FlashAttention);
        if (planner.Refusal(model.PrimaryPath, overrides) is { } refused)
        {
            return TypedResults.Problem(refused, statusCode: StatusCodes.Status400BadRequest);
        }

        if (planner.Place(model.PrimaryPath, body?.Context, body?.WorkerId) is not { } placed)
        {
            if (model.Machine is { } machine)
            {
                return TypedResults.Problem(
                    $"The model is on {machine}'s own disk; only {machine}'s worker can load it, and none by that id is connected.",
                    statusCode: StatusCodes.Status409Conflict);
            }

            return TypedResults.Problem(
                body?.WorkerId is { } wanted ? $"No connected worker has the id '{wanted}'." : "No worker is connected yet.",
                statusCode: body?.WorkerId is null ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status404NotFound);
        }

        var plan = planner.Plan(model.PrimaryPath, body?.Context, placed.Worker, overrides);

        var result = await gateway.LoadModelAsync(plan, cancellationToken, placed.Worker.ConnectionId);
        return result.Succeeded
            ? TypedResults.Ok(new LoadAnswer(
                model.Id, placed.Worker.ConnectionId, placed.Worker.Registration.HostName, placed.Reason,
                result.ContextSize, result.ParallelSequences, result.GpuLayers, result.LoadMilliseconds, result.KvCache.DisplayName(), result.FlashAttention))
            : TypedResults.Problem(result.Error, statusCode: StatusCodes.Status422UnprocessableEntity);
    }
}
