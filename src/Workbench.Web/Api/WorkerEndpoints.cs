using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Workbench.Web.Estimation;
using Workbench.Web.Library;
using Workbench.Web.Workers;

namespace Workbench.Web.Api;

/// <summary>The fleet's JSON API: <c>GET /workbench/v1/workers</c> and <c>POST /workbench/v1/models/{id}/load</c>.</summary>
public static class WorkerEndpoints
{
    /// <summary>One connected worker: what it is, what it has and what it holds.</summary>
    public sealed record WorkerEntry(
        string Id,
        string HostName,
        string Version,
        string Backend,
        IReadOnlyList<WorkerGpu> Gpus,
        long? RamTotalBytes,
        long? RamAvailableBytes,
        IReadOnlyList<WorkerModel> ResidentModels,
        int SlotsInUse,
        int Slots,
        string State);

    /// <summary>A GPU with its free and total VRAM.</summary>
    public sealed record WorkerGpu(string Name, long? FreeBytes, long? TotalBytes);

    /// <summary>A resident model (file name only unless the caller is the owner).</summary>
    public sealed record WorkerModel(string Model, int ContextPerSequence, int ParallelSequences, int Generating, int Waiting, long? Bytes, long? GpuBytes, DateTimeOffset? ExpiresAt);

    /// <summary>What <c>POST /workbench/v1/models/{id}/load</c> takes; everything optional.</summary>
    public sealed record LoadRequest(string? WorkerId, int? Context, int? GpuLayers);

    /// <summary>Where the model went and why.</summary>
    public sealed record LoadAnswer(string ModelId, string WorkerId, string HostName, string Placement, int ContextPerSequence, int ParallelSequences, int GpuLayers, double LoadMilliseconds);

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
        return endpoints;
    }

    private static List<WorkerEntry> ListWorkers(WorkerRegistry registry, ModelKeepAlive keepAlive, ClaimsPrincipal viewer)
    {
        var owner = viewer.IsInRole(Security.AccessRoles.Owner);
        return [.. registry.Workers.Select(w => new WorkerEntry(
            w.ConnectionId,
            w.Registration.HostName,
            w.Registration.Version,
            w.Registration.Backend,
            [.. (w.Hardware?.Gpus ?? []).Select(g => new WorkerGpu(g.Name ?? $"GPU {g.Index}", g.MemoryFreeBytes, g.MemoryTotalBytes))],
            w.Hardware?.Memory.TotalBytes,
            w.Hardware?.Memory.AvailableBytes,
            [.. w.Resident.OrderByDescending(m => m.LastUsed).Select(m => new WorkerModel(
                owner ? m.Path : Path.GetFileName(m.Path), m.Load.ContextSize, m.Slots, m.Generating, m.Waiting,
                m.Load.Buffers?.TotalBytes, m.Load.Buffers?.GpuBytes, keepAlive.UnloadsAt(m)))],
            w.Generating,
            w.Resident.Sum(m => m.Slots),
            w.Loading is not null ? "loading" : w.Generating > 0 ? "answering" : "idle"))];
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

        if (body?.GpuLayers is < 0)
        {
            return TypedResults.Problem("gpuLayers must be 0 or more.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (planner.Place(model.PrimaryPath, body?.Context, body?.WorkerId) is not { } placed)
        {
            return TypedResults.Problem(
                body?.WorkerId is { } wanted ? $"No connected worker has the id '{wanted}'." : "No worker is connected yet.",
                statusCode: body?.WorkerId is null ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status404NotFound);
        }

        var plan = planner.Plan(model.PrimaryPath, body?.Context, placed.Worker);
        if (body?.GpuLayers is { } layers)
        {
            plan = plan with { GpuLayers = layers };
        }

        var result = await gateway.LoadModelAsync(plan, cancellationToken, placed.Worker.ConnectionId);
        return result.Succeeded
            ? TypedResults.Ok(new LoadAnswer(
                model.Id, placed.Worker.ConnectionId, placed.Worker.Registration.HostName, placed.Reason,
                result.ContextSize, result.ParallelSequences, result.GpuLayers, result.LoadMilliseconds))
            : TypedResults.Problem(result.Error, statusCode: StatusCodes.Status422UnprocessableEntity);
    }
}
