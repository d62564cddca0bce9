using Microsoft.Extensions.Options;
using Workbench.Core.Library;
using Workbench.Core.Protocol;
using Workbench.Web.Library;
using Workbench.Web.Workers;

namespace Workbench.Web.Api.Compat;

/// <summary>
/// Turns the model a client names into the model the worker has loaded: finds it in the library and, when the
/// setting allows, loads it (one load at a time, so concurrent requests for the same model load it once).
/// </summary>
public sealed class CompatModelResolver(
    LibraryIndex library,
    WorkerRegistry registry,
    WorkerGateway gateway,
    Workbench.Web.Estimation.LoadPlanner planner,
    IOptionsMonitor<ApiOptions> options,
    ModelCrashLedger? crashes = null) : IDisposable
{
    private readonly SemaphoreSlim _loadGate = new(1, 1);

    /// <summary>Models the API can serve: readable GGUF files, by unique name (folder-qualified where files share one).</summary>
    public IReadOnlyList<ServableModel> Models =>
        ServableModelNames.Assign(library.Models.Where(m => m.Format == ModelFormat.Gguf && m.Error is null));

    /// <summary>
    /// The model a client's <paramref name="requested"/> name refers to: its id, or a plain name or file name that
    /// only one model has; null when none does. A plain name several files share is refused naming their ids.
    /// </summary>
    public ServableModel? Find(string requested)
    {
        ArgumentNullException.ThrowIfNull(requested);
        var matches = Models.Where(m => m.Answers(requested)).ToList();
        if (matches.Count <= 1)
        {
            return matches.FirstOrDefault();
        }

        // An exact id wins over a name several files share.
        var exact = matches.Where(m => m.IsNamed(requested)).ToList();
        return exact.Count == 1
            ? exact[0]
            : throw new ApiRequestException(
                StatusCodes.Status400BadRequest,
                $"'{requested}' could mean {matches.Count} models: {string.Join(", ", matches.Select(m => m.Name))}. Use one of these ids.",
                "model",
                "model_ambiguous");
    }

    /// <summary>What the serving worker has loaded, if anything.</summary>
    public ModelLoadResult? Loaded => registry.MostRecentlyUsed()?.LoadedModel;

    /// <summary>The API name of the loaded model (its file name when the library does not list it).</summary>
    public string? LoadedName => Loaded?.ModelPath is { } path ? FindByPath(path)?.Name ?? Path.GetFileNameWithoutExtension(path) : null;

    /// <summary>
    /// The API name of the model <paramref name="requested"/> names, once it is known that it can be served: refusals
    /// (no name, unknown model, no worker, loading off while it is not resident) are thrown as <see cref="ApiRequestException"/>.
    /// </summary>
    public string Resolve(string? requested) => ResolveModel(requested).Name;

    private ServableModel ResolveModel(string? requested)
    {
        if (string.IsNullOrWhiteSpace(requested))
        {
            throw ApiRequestException.Invalid("model", "The request must name a model; list them with GET /v1/models or GET /api/tags.");
        }

        var model = Find(requested)
            ?? throw new ApiRequestException(
                StatusCodes.Status404NotFound,
                $"The model '{requested}' is not in the library. Available: {string.Join(", ", Models.Select(m => m.Name))}.",
                "model",
                "model_not_found");

        if (crashes is not null && crashes.IsQuarantined(model.Path) && !IsLoaded(model))
        {
            throw new ApiRequestException(
                StatusCodes.Status409Conflict,
                $"The model '{model.Name}' {crashes.For(model.Path)!.Label} It crashed the worker {ModelCrashLedger.QuarantineAfter} times, "
                + "so it is not loaded for API clients until the owner retries it on the Models page.",
                "model",
                "model_crashes_worker");
        }

        if (registry.PickWorker() is null)
        {
            throw new ApiRequestException(StatusCodes.Status503ServiceUnavailable, "No worker is connected yet; the local worker may still be starting. Try again shortly.", code: "worker_unavailable");
        }

        if (!IsLoaded(model) && !options.CurrentValue.LoadModelOnDemand)
        {
            throw new ApiRequestException(
                StatusCodes.Status400BadRequest,
                $"The model '{model.Name}' is not loaded and loading on request is turned off ({ApiOptions.Section}:LoadModelOnDemand). The loaded model is '{LoadedName ?? "none"}'.",
                "model",
                "model_not_loaded");
        }

        return model;
    }

    /// <summary>
    /// Makes sure the model named <paramref name="requested"/> is loaded and returns its API name;
    /// refusals (no name, unknown model, loading off, load failed, no worker) are thrown as <see cref="ApiRequestException"/>.
    /// </summary>
    public Task<string> EnsureLoadedAsync(string? requested, CancellationToken cancellationToken) =>
        EnsureLoadedAsync(requested, null, cancellationToken);

    /// <summary>
    /// The same with a window per sequence of at least <paramref name="contextSize"/> tokens (null: the API's setting),
    /// capped at what the model was trained for; a resident copy with a smaller window is loaded again when answering.
    /// </summary>
    public async Task<string> EnsureLoadedAsync(string? requested, int? contextSize, CancellationToken cancellationToken)
    {
        var model = ResolveModel(requested);
        if (IsLoaded(model))
        {
            // Asked for by name: the last model to make room for another.
            foreach (var holder in registry.Holding(model.Path))
            {
                registry.Touch(holder.ConnectionId, model.Path);
            }
            return model.Name;
        }

        await _loadGate.WaitAsync(cancellationToken);
        try
        {
            if (IsLoaded(model))
            {
                return model.Name;
            }

            var result = await LoadAsync(Plan(model.Path, contextSize), cancellationToken);
            return result.Succeeded
                ? model.Name
                : throw new ApiRequestException(StatusCodes.Status422UnprocessableEntity, $"Loading '{model.Name}' failed: {result.Error}", "model", "model_load_failed");
        }
        finally
        {
            _loadGate.Release();
        }
    }

    private async Task<ModelLoadResult> LoadAsync(ModelLoadRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await gateway.LoadModelAsync(request, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or Microsoft.AspNetCore.SignalR.HubException)
        {
            // The worker went away mid-load; the supervisor restarts it.
            throw new ApiRequestException(StatusCodes.Status503ServiceUnavailable, $"The worker stopped while loading the model ({ex.Message}); try again shortly.", code: "worker_unavailable");
        }
    }

    /// <summary>
    /// How to load the model named <paramref name="name"/> (as resolved), for an atomic load-and-answer, with a window
    /// per sequence of <paramref name="contextSize"/> tokens when the request chose one.
    /// </summary>
    public ModelLoadRequest? LoadRequestFor(string? name, int? contextSize = null) =>
        Models.FirstOrDefault(m => m.Name == name) is { } model ? Plan(model.Path, contextSize) : null;

    /// <summary>The window per sequence an answer from <paramref name="model"/> gets: the resident copy's, else the planned one.</summary>
    public int ContextFor(ServableModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return registry.PickWorker()?.FindResident(model.Path)?.Load.ContextSize is > 0 and var loaded
            ? loaded
            : Workbench.Web.Estimation.LoadPlanner.ContextFor(model.Descriptor, options.CurrentValue.ContextSize);
    }

    // The planner's context (the request's, else the setting's) and GPU layers, unless the API's settings fix them.
    private ModelLoadRequest Plan(string path, int? contextSize)
    {
        var settings = options.CurrentValue;
        var planned = planner.Plan(path, contextSize ?? settings.ContextSize);
        return settings.GpuLayers is { } layers ? planned with { GpuLayers = layers } : planned;
    }

    /// <summary>
    /// Sets how long the model named <paramref name="name"/> stays loaded once unused (a request's keep-alive: zero
    /// unloads it as soon as no request holds it, negative keeps it); null (the request did not say) changes nothing.
    /// </summary>
    public void SetKeepAlive(string name, TimeSpan? keepAlive)
    {
        if (keepAlive is not null && Models.FirstOrDefault(m => m.Name == name) is { } model)
        {
            foreach (var holder in registry.Holding(model.Path))
            {
                registry.SetKeepAlive(holder.ConnectionId, model.Path, keepAlive);
            }
        }
    }

    /// <summary>Unloads the model <paramref name="requested"/> names now (after answers in progress); returns its API name.</summary>
    public async Task<string> UnloadAsync(string? requested, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(requested))
        {
            throw ApiRequestException.Invalid("model", "The request must name a model.");
        }

        var model = Find(requested)
            ?? throw new ApiRequestException(StatusCodes.Status404NotFound, $"The model '{requested}' is not in the library.", "model", "model_not_found");
        foreach (var holder in registry.Holding(model.Path))
        {
            await gateway.UnloadModelAsync(holder.ConnectionId, model.Path, cancellationToken);
        }

        return model.Name;
    }

    /// <inheritdoc />
    public void Dispose() => _loadGate.Dispose();

    private bool IsLoaded(ServableModel model) =>
        registry.Workers.Any(w => w.Resident.Any(m => SamePath(m.Path, model.Path)));

    private ServableModel? FindByPath(string path) => Models.FirstOrDefault(m => SamePath(m.Path, path));

    private static bool SamePath(string a, string b) =>
        string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
}
