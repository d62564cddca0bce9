using Workbench.Core.Estimation;
using Workbench.Core.Protocol;
using Workbench.Web.Library;
using Workbench.Web.Workers;

namespace Workbench.Web.Estimation;

/// <summary>
/// How the dashboard loads a model for chat: at the context the user picked (never beyond what the model was trained
/// for) and, on a worker with a GPU backend, with as many layers on its GPUs as the estimator says fit (llama.cpp's
/// <c>--fit</c> idea, from the worker's detected free VRAM and the model's measured correction).
/// </summary>
public sealed class LoadPlanner(
    WorkerRegistry workers,
    LibraryIndex library,
    EstimationModelSource source,
    LoadMeasurements measurements,
    Microsoft.Extensions.Options.IOptionsMonitor<RuntimeOptions> runtime,
    FleetChoices? fleet = null)
{
    /// <summary>Parallel sequences when the setting leaves it open: llama-server's default.</summary>
    public const int DefaultParallelSequences = 4;

    /// <summary>The context chat loads with unless the user picks another: what most conversations need.</summary>
    public const int DefaultContext = 4096;

    private static readonly int[] CommonContexts = [2048, 4096, 8192, 16384, 32768, 65536, 131072];

    /// <summary>Contexts to offer for a model: the common sizes up to its trained maximum (all of them when unknown).</summary>
    public static IReadOnlyList<int> ContextChoices(long? trainedContext) =>
        trainedContext is > 0 and var max
            ? [.. CommonContexts.Where(c => c < max), (int)Math.Min(max, int.MaxValue)]
            : CommonContexts;

    /// <summary>The context a load will use: the choice (or <see cref="DefaultContext"/>) capped at the model's maximum.</summary>
    public int ContextFor(string modelPath, int? requested) => ContextFor(library.FindByPath(modelPath), requested);

    /// <summary>The same for a known model (null: not in the library, so nothing caps the choice).</summary>
    public static int ContextFor(Workbench.Core.Library.ModelDescriptor? model, int? requested)
    {
        var context = requested ?? DefaultContext;
        return model?.Architecture.MaxContextLength is > 0 and var max ? (int)Math.Min(context, max) : context;
    }

    /// <summary>
    /// The load request for <paramref name="modelPath"/> on the worker it will be placed on (see <see cref="Place"/>): the
    /// context per sequence, the parallel sequences (the setting, else 4 lowered to 2 or 1 while 4 windows would not
    /// fit), and the GPU layers that fit there.
    /// </summary>
    /// With <paramref name="overrides"/>, the cache type and flash attention chosen by hand are planned for, and GPU
    /// layers chosen by hand replace the estimator's choice.
    /// </summary>
    public ModelLoadRequest Plan(string modelPath, int? contextSize, LoadOverrides? overrides = null) =>
        Plan(modelPath, contextSize, Place(modelPath, contextSize)?.Worker, overrides);

    /// <summary>The same for a given worker (null: no worker is known yet, so no GPU layers).</summary>
    public ModelLoadRequest Plan(string modelPath, int? contextSize, ConnectedWorker? worker, LoadOverrides? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(modelPath);
        var context = ContextFor(modelPath, contextSize);
        var chosen = overrides is { IsNone: false } ? overrides : null;
        var sequences = runtime.CurrentValue.ParallelSequences ?? AutoSequences(modelPath, context, worker, chosen);
        var layers = chosen?.GpuLayers ?? Estimate(modelPath, context, sequences, worker, overrides: chosen)?.GpuLayers ?? 0;
        return new ModelLoadRequest(modelPath, context, layers, ParallelSequences: sequences, Overrides: chosen);
    }

    /// <summary>
    /// What loading <paramref name="modelPath"/> for chat with <paramref name="overrides"/> will take on the worker it
    /// would be placed on, or why llama.cpp would refuse the choices: the verdict shown beside the load controls.
    /// </summary>
    public LoadPreview Preview(string modelPath, int? contextSize, LoadOverrides? overrides)
    {
        ArgumentNullException.ThrowIfNull(modelPath);
        var worker = Place(modelPath, contextSize)?.Worker;
        if (Refusal(modelPath, overrides) is { } problem)
        {
            return new LoadPreview(null, worker, problem);
        }

        if (worker is null)
        {
            return new LoadPreview(null, null, null);
        }

        var plan = Plan(modelPath, contextSize, worker, overrides);
        return new LoadPreview(Estimate(modelPath, plan.ContextSize, plan.ParallelSequences, worker, plan.GpuLayers, plan.Overrides), worker, null);
    }

    /// <summary>Why llama.cpp would refuse <paramref name="overrides"/> for this model; null when it would take them.</summary>
    public string? Refusal(string modelPath, LoadOverrides? overrides) =>
        overrides?.Problem
        ?? (overrides?.KvCache is { } cache && library.FindByPath(modelPath) is { } descriptor && source.For(descriptor).Model is { } model
            ? cache.RefusalFor(model)
            : null);

    /// <summary>
    /// The worker for <paramref name="modelPath"/>: one that holds it, else the best fit by the estimator with measured
    /// corrections (<see cref="PlacementPlanner"/>); <paramref name="workerId"/> pins the choice. Null when no worker is connected.
    /// </summary>
    public (ConnectedWorker Worker, string Reason)? Place(string modelPath, int? contextSize, string? workerId = null, IReadOnlySet<string>? excluded = null)
    {
        ArgumentNullException.ThrowIfNull(modelPath);
        var all = workers.Workers.Where(w => excluded?.Contains(w.ConnectionId) != true).ToList();
        if (library.FindByPath(modelPath)?.Machine is { } machine)
        {
            // On one machine's own disk: only its workers can open the file.
            all = [.. all.Where(w => w.Registration.HostName == machine)];
        }

        if (workerId is not null)
        {
            return WorkerRegistry.FindIn(all, workerId) is { } pinned
                ? (pinned, $"on {pinned.Registration.HostName}: chosen by hand")
                : null;
        }

        var pin = fleet?.PinFor(modelPath);
        if (pin is not null && all.FirstOrDefault(w => w.Registration.HostName == pin) is { } pinnedHere)
        {
            return (pinnedHere, $"on {pin}: pinned there by the owner");
        }

        var context = ContextFor(modelPath, contextSize);
        var candidates = all.Select(w => Candidate(w, modelPath, context)).ToList();
        if (PlacementPlanner.Choose(candidates) is not { } choice)
        {
            return null;
        }

        // A pinned model whose machine is away still answers, and the reason says where it would have gone.
        var reason = pin is null ? choice.Reason : $"{choice.Reason} (pinned to {pin}, which is not connected)";
        return (all.First(w => w.ConnectionId == choice.Worker.WorkerId), reason);
    }

    private PlacementCandidate Candidate(ConnectedWorker worker, string modelPath, int context)
    {
        var holds = worker.FindResident(modelPath) is not null;
        var estimate = Estimate(modelPath, context, 1, worker);
        var usesGpu = WorkerMemoryBudget.UsesGpu(worker);
        var budget = WorkerMemoryBudget.Bytes(worker, runtime.CurrentValue) ?? long.MaxValue / 4;
        var resident = worker.Resident.Where(m => m.Path != modelPath).Sum(m => WorkerMemoryBudget.Footprint(m.Load, usesGpu));
        var needed = estimate is null ? 0 : WorkerMemoryBudget.Footprint(estimate, usesGpu);
        var verdict = estimate?.Verdict.Kind ?? FitKind.CpuOnly;
        return new PlacementCandidate(worker.ConnectionId, worker.Registration.HostName, holds, verdict, budget - resident - needed);
    }

    /// <summary>What <paramref name="request"/> will take from <paramref name="worker"/>'s memory budget; null when the model cannot be estimated.</summary>
    public long? Footprint(ModelLoadRequest request, ConnectedWorker worker)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(worker);
        return Estimate(request.ModelPath, request.ContextSize, request.ParallelSequences, worker, request.GpuLayers, request.Overrides) is { } estimate
            ? WorkerMemoryBudget.Footprint(estimate, WorkerMemoryBudget.UsesGpu(worker))
            : null;
    }

    private int AutoSequences(string modelPath, int context, ConnectedWorker? worker, LoadOverrides? overrides)
    {
        if (worker is null || WorkerMemoryBudget.Bytes(worker, runtime.CurrentValue) is not { } budget
            || Estimate(modelPath, context, 1, worker, overrides?.GpuLayers, overrides) is not { } single)
        {
            return DefaultParallelSequences;
        }

        var usesGpu = WorkerMemoryBudget.UsesGpu(worker);
        foreach (var sequences in (ReadOnlySpan<int>)[DefaultParallelSequences, 2])
        {
            // More windows must neither push layers off the GPU nor overflow the budget.
            if (Estimate(modelPath, context, sequences, worker, overrides?.GpuLayers, overrides) is { } estimate
                && estimate.GpuLayers >= single.GpuLayers
                && WorkerMemoryBudget.Footprint(estimate, usesGpu) <= budget)
            {
                return sequences;
            }
        }

        return 1;
    }

    // The estimate for a load on a worker, with the model's measured correction; GPU layers chosen when null.
    private MemoryEstimate? Estimate(string modelPath, int context, int sequences, ConnectedWorker? worker, int? gpuLayers = null, LoadOverrides? overrides = null)
    {
        // Choices llama.cpp refuses have no estimate: the load is refused with the reason instead.
        if (Refusal(modelPath, overrides) is not null || library.FindByPath(modelPath) is not { } descriptor || source.For(descriptor).Model is not { } model)
        {
            return null;
        }

        // A CPU build of llama.cpp ignores GPU layers; so does a worker that found no GPU.
        var gpus = worker is { Hardware: { } hardware } && WorkerMemoryBudget.UsesGpu(worker)
            ? DetectedBudget.From(hardware, worker.Registration.ProcessId).Gpus
            : [];
        var settings = (overrides ?? LoadOverrides.None).Apply(RunSettings.Default) with
        {
            ContextLength = checked(context * sequences),
            ParallelSequences = sequences,
            GpuLayers = gpus.Count == 0 ? 0 : gpuLayers,
            Correction = measurements.CorrectionFor(descriptor),
        };

        return MemoryEstimator.Estimate(model, settings, gpus, worker?.Hardware?.Memory.AvailableBytes);
    }
}
