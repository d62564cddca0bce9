using Workbench.Core.Estimation.Runtimes;

namespace Workbench.Core.Estimation;

/// <summary>One cell of a fit table: a quantization at a context length on the given GPUs.</summary>
/// <param name="ContextLength">Tokens of context.</param>
/// <param name="Estimate">The full estimate.</param>
public sealed record FitCell(int ContextLength, MemoryEstimate Estimate)
{
    /// <summary>Short text for the cell: "fits", "28/33 layers on GPU", "CPU only", "does not fit".</summary>
    public string Summary => Estimate.Verdict.Kind switch
    {
        FitKind.FitsFully => "fits",
        FitKind.PartialOffload => $"{Estimate.GpuLayers}/{Estimate.TotalLayers} layers on GPU",
        FitKind.CpuOnly => "CPU only",
        _ => "does not fit",
    };
}

/// <summary>One row: a quantization in a runtime and its cells, plus the rule-of-thumb figure as a cross-check.</summary>
/// <param name="Option">The quantization.</param>
/// <param name="Cells">One per context length, in column order.</param>
/// <param name="RuleOfThumbGigabytes">P × Q / 8 × 1.2, for comparison only.</param>
/// <param name="Runtime">The runtime whose memory accounting the cells follow.</param>
public sealed record FitRow(QuantizationOption Option, IReadOnlyList<FitCell> Cells, double RuleOfThumbGigabytes, InferenceRuntime Runtime = InferenceRuntime.LlamaCpp)
{
    /// <summary>Identifies the row: a quantization can appear once per runtime.</summary>
    public string Key => $"{Option.Label}@{Runtime.ApiName()}";

    /// <summary>llama.cpp's published perplexity increase for this GGUF type; null for other formats and unpublished types.</summary>
    public QuantizationQuality? Quality => QuantizationQuality.For(Option);
}

/// <summary>
/// The Compare page's table: rows are the quantizations a model could be stored in, columns are context lengths,
/// each cell says how it runs on the given GPUs. Pure and fast enough to recompute on every slider move.
/// </summary>
public static class FitTable
{
    /// <summary>Context lengths offered as columns, cut at the model's own maximum.</summary>
    public static IReadOnlyList<int> ContextColumns(long trainingContext)
    {
        int[] standard = [2048, 4096, 8192, 16384, 32768, 65536, 131072];
        var columns = standard.Where(c => trainingContext <= 0 || c <= trainingContext).ToList();
        return columns.Count > 0 ? columns : [2048];
    }

    /// <summary>
    /// Builds the table from described quantizations, each judged by the runtime that would run it: GGUF in llama.cpp,
    /// EXL2 in ExLlamaV2, GPTQ and AWQ in vLLM; with <paramref name="everyRuntime"/> a row for every runtime that loads the
    /// format (GPTQ also in ExLlamaV2 and Transformers, AWQ also in Transformers). Cells carry no suggestions (what
    /// would make a cell fit costs several estimates each); ask <see cref="RuntimeMemoryEstimator"/> for the one cell shown.
    /// </summary>
    public static IReadOnlyList<FitRow> Build(
        EstimationModel model,
        IReadOnlyList<QuantizationOption> options,
        RunSettings settings,
        RuntimeSettings runtimeSettings,
        IReadOnlyList<GpuBudget> gpus,
        IReadOnlyList<int> contexts,
        long? availableRamBytes = null,
        bool everyRuntime = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(runtimeSettings);
        ArgumentNullException.ThrowIfNull(contexts);
        var billions = model.ParameterCount / 1e9;
        var rows = new List<FitRow>(options.Count * 2);
        foreach (var option in options)
        {
            IReadOnlyList<InferenceRuntime> runtimes = everyRuntime ? InferenceRuntimes.For(option.Format) : [InferenceRuntimes.DefaultFor(option.Format)];
            foreach (var runtime in runtimes)
            {
                var cells = contexts.Select(context => new FitCell(
                    context,
                    // Each column is one answer's window; parallel sequences each hold one (llama.cpp's n_ctx is all of them).
                    RuntimeMemoryEstimator.Estimate(option.Model, option.Format, runtime, settings with { ContextLength = checked(context * settings.ParallelSequences) },
                        runtimeSettings, gpus, availableRamBytes, advise: false))).ToList();
                rows.Add(new FitRow(option, cells, RuleOfThumb.Gigabytes(billions, option.BitsPerWeight), runtime));
            }
        }

        return rows;
    }

    /// <summary>Builds the table for <paramref name="model"/>.</summary>
    public static IReadOnlyList<FitRow> Build(
        EstimationModel model,
        RunSettings settings,
        IReadOnlyList<GpuBudget> gpus,
        IReadOnlyList<int> contexts,
        long? availableRamBytes = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Build(model, QuantizationCatalog.Describe(model), settings, gpus, contexts, availableRamBytes);
    }

    /// <summary>
    /// Builds the table from quantizations already described (<see cref="QuantizationCatalog.Describe(EstimationModel)"/>):
    /// describing is the costly part and depends only on the model, so callers that recompute on every
    /// settings change describe once and pass the options here.
    /// </summary>
    public static IReadOnlyList<FitRow> Build(
        EstimationModel model,
        IReadOnlyList<QuantizationOption> options,
        RunSettings settings,
        IReadOnlyList<GpuBudget> gpus,
        IReadOnlyList<int> contexts,
        long? availableRamBytes = null) =>
        Build(model, options, settings, RuntimeSettings.Default, gpus, contexts, availableRamBytes);
}
