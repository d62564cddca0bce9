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
public sealed class LoadPlanner(WorkerRegistry workers, LibraryIndex library, EstimationModelSource source, LoadMeasurements measurements)
{
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

    /// <summary>The load request for <paramref name="modelPath"/> on the chat worker.</summary>
    public ModelLoadRequest Plan(string modelPath, int? contextSize)
    {
        ArgumentNullException.ThrowIfNull(modelPath);
        var context = ContextFor(modelPath, contextSize);
        return new ModelLoadRequest(modelPath, context, GpuLayersFor(modelPath, context));
    }

    private int GpuLayersFor(string modelPath, int context)
    {
        // A CPU build of llama.cpp ignores GPU layers; so does a worker that found no GPU.
        if (workers.PickWorker() is not { Hardware: { } hardware } worker
            || string.Equals(worker.Registration.Backend, "Cpu", StringComparison.OrdinalIgnoreCase)
            || library.FindByPath(modelPath) is not { } descriptor
            || source.For(descriptor).Model is not { } model)
        {
            return 0;
        }

        var gpus = DetectedBudget.From(hardware, worker.Registration.ProcessId).Gpus;
        if (gpus.Count == 0)
        {
            return 0;
        }

        var settings = RunSettings.Default with { ContextLength = context, GpuLayers = null, Correction = measurements.CorrectionFor(descriptor) };
        return MemoryEstimator.Estimate(model, settings, gpus).GpuLayers;
    }
}
