using Microsoft.AspNetCore.Http.HttpResults;
using Workbench.Core.Estimation;
using Workbench.Core.Estimation.Runtimes;
using Workbench.Web.Estimation;
using Workbench.Web.Library;

namespace Workbench.Web.Api;

/// <summary>The estimator's JSON API: <c>GET /workbench/v1/models/{id}/estimate</c> (and the GPU catalog it takes GPUs from).</summary>
public static class EstimateEndpoints
{
    /// <summary>Each part of the estimate in bytes (GPU and RAM apart), the GPU layers chosen and the verdict.</summary>
    public sealed record EstimateResponse(
        string ModelId,
        int ContextLength,
        int ParallelSequences,
        int ContextPerSequence,
        string KvCache,
        bool FlashAttention,
        int GpuLayers,
        int TotalLayers,
        long WeightsGpuBytes,
        long WeightsCpuBytes,
        long KvCacheGpuBytes,
        long KvCacheCpuBytes,
        long ComputeGpuBytes,
        long ComputeCpuBytes,
        long OutputBufferBytes,
        long OverheadBytes,
        long TotalGpuBytes,
        long TotalRamBytes,
        double RuleOfThumbGigabytes,
        FitKind Verdict,
        string Message,
        IReadOnlyList<string> Suggestions,
        string? CorrectedByMeasuredLoad,
        string Runtime,
        string Quant,
        string? Exl2Cache,
        double? GpuMemoryUtilization,
        IReadOnlyList<string> Gpus,
        long? KvCacheTokens,
        long? MaxContextLength,
        double? ConcurrentSequences,
        double? DecodeTokensPerSecondLow,
        double? DecodeTokensPerSecondHigh);

    /// <summary>Maps the endpoint.</summary>
    public static IEndpointRouteBuilder MapEstimateApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/workbench/v1/models/{id}/estimate", Estimate)
            .WithTags("Estimation")
            .WithName("EstimateModel")
            .WithSummary("Memory needed to run a library model with these settings, and whether it fits.")
            .WithDescription("context is each answer's window; sequences=N estimates N answers decoded together (llama.cpp's n_seq_max: a KV cache of N windows and N logits rows), as the worker loads models for parallel requests. A quantized V cache without flash attention is refused, as llama.cpp refuses it. Without vramBytes or gpu the estimate uses the GPUs and free RAM the chat worker detected (CPU only before it has reported, or when it has no GPU); vramBytes=0 asks about the CPU alone; gpu=<catalog id> (repeatable: several GPUs) asks about GPUs from GET /workbench/v1/gpus and gives a decode speed. quant= judges the model's shape at any catalog quantization (Q4_K_M, EXL2-4.65, GPTQ-4bit-g128, AWQ-4bit-g128); runtime=llamacpp|exllamav2|vllm|transformers chooses whose memory accounting applies (default: the format's usual runtime), with exl2Cache=fp16|q8|q6|q4 for ExLlamaV2 and gpuMemoryUtilization for vLLM. After the model has been loaded once, each llama.cpp part is corrected by what llama.cpp allocated then (correctedByMeasuredLoad says how); applyMeasuredLoad=false gives the formulas alone.");
        endpoints.MapGpuCatalogApi();
        return endpoints;
    }

    private static Results<Ok<EstimateResponse>, ProblemHttpResult> Estimate(
        string id,
        LibraryIndex index,
        EstimationModelSource source,
        LibraryFit fit,
        LoadMeasurements measurements,
        int? context,
        string? kvCache,
        bool? flashAttention,
        string? gpuLayers,
        long? vramBytes,
        bool? applyMeasuredLoad,
        int? sequences,
        string? runtime,
        string? quant,
        string? exl2Cache,
        double? gpuMemoryUtilization,
        string[]? gpu)
    {
        if (index.Find(id) is not { } descriptor)
        {
            return TypedResults.Problem($"No model with id '{id}' is in the library.", statusCode: StatusCodes.Status404NotFound);
        }

        var (basics, invalid) = EstimateQuery.Parse(context, kvCache, flashAttention, gpuLayers, vramBytes, sequences);
        if (basics is null)
        {
            return TypedResults.Problem(invalid, statusCode: StatusCodes.Status400BadRequest);
        }

        var query = RuntimeQuery.Parse(runtime, exl2Cache, gpuMemoryUtilization, gpu, vramBytes);
        if (query.Problem is { } refused)
        {
            return TypedResults.Problem(refused, statusCode: StatusCodes.Status400BadRequest);
        }

        var (stored, problem) = source.For(descriptor);
        if (stored is null)
        {
            return TypedResults.Problem(problem, statusCode: StatusCodes.Status422UnprocessableEntity);
        }

        EstimationSubject subject;
        try
        {
            subject = EstimationSubject.For(descriptor, stored, quant);
        }
        catch (ArgumentException unknown)
        {
            return TypedResults.Problem(unknown.Message.Split(" (Parameter")[0], statusCode: StatusCodes.Status400BadRequest);
        }

        var judge = query.Runtime ?? InferenceRuntimes.DefaultFor(subject.Format);
        if (!judge.Loads(subject.Format))
        {
            return TypedResults.Problem(
                $"runtime {judge.ApiName()} does not load {subject.QuantId} ({subject.Format}); {string.Join(" or ", InferenceRuntimes.For(subject.Format).Select(r => r.ApiName()))} does, or ask for another quant.",
                statusCode: StatusCodes.Status400BadRequest);
        }

        var model = subject.Model;

        // Once the model has been loaded, its measured buffers correct the formulas unless the caller asks for them alone;
        // they describe llama.cpp loading this very file, so other quantizations and runtimes go without.
        var measured = applyMeasuredLoad is false || quant is not null || judge != InferenceRuntime.LlamaCpp ? null : measurements.For(descriptor);
        var settings = basics.Settings(measured?.Correction);
        // An explicit VRAM figure or catalog GPUs are a what-if question; otherwise the chat worker's detected GPUs and RAM.
        var detected = vramBytes is null && query.CatalogGpus.Count == 0 ? fit.Budget() : null;
        IReadOnlyList<GpuBudget> gpus = query.CatalogGpus.Count > 0 ? [.. query.CatalogGpus.Select(g => g.ToBudget())]
            : vramBytes is { } vram ? (vram > 0 ? [new GpuBudget("GPU", vram)] : [])
            : detected?.Gpus ?? [];
        var judged = JudgedEstimate.Make(subject, judge, settings, query.Settings, gpus, detected?.AvailableRamBytes, detected?.RamBytesPerSecond);
        return TypedResults.Ok(Describe(
            descriptor.Id,
            judged,
            judged.Estimate.Correction is { } correction ? $"{correction.Describe()} (load of {measured!.MeasuredAt:O})" : null));
    }

    /// <summary>
    /// The answer for an estimate already made, also used for the rows of hub repositories (judged by llama.cpp, the
    /// runtime of the GGUF files they list, unless said otherwise).
    /// </summary>
    public static EstimateResponse Describe(string id, JudgedEstimate judged, string? correctedBy)
    {
        ArgumentNullException.ThrowIfNull(judged);
        var (model, settings, estimate, judge, runtime, gpus, speed) =
            (judged.Subject.Model, judged.Settings, judged.Estimate, judged.Judge, judged.Runtime, judged.Gpus, judged.Speed);
        var parallel = settings.ParallelSequences;
        return new EstimateResponse(
            id,
            estimate.Context.ContextCells,
            parallel,
            estimate.Context.ContextCells / parallel,
            settings.KeyCacheType.DisplayName(),
            settings.FlashAttention,
            estimate.GpuLayers,
            estimate.TotalLayers,
            estimate.WeightsGpuBytes,
            estimate.WeightsCpuBytes,
            estimate.KvCacheGpuBytes,
            estimate.KvCacheCpuBytes,
            estimate.ComputeGpuBytes,
            estimate.ComputeCpuBytes,
            estimate.OutputBufferBytes,
            estimate.OverheadBytes,
            estimate.TotalGpuBytes,
            estimate.TotalRamBytes,
            RuleOfThumb.Gigabytes(model.ParameterCount / 1e9, model.BitsPerWeight),
            estimate.Verdict.Kind,
            estimate.Verdict.Message,
            estimate.Verdict.Suggestions,
            correctedBy,
            judge.ApiName(),
            judged.Subject.QuantId,
            judge == InferenceRuntime.ExLlamaV2 ? runtime.Exl2Cache.ApiName() : null,
            judge == InferenceRuntime.Vllm ? runtime.GpuMemoryUtilization : null,
            [.. gpus.Select(g => g.Name)],
            estimate.Capacity?.Tokens,
            estimate.Capacity?.MaxContextLength,
            estimate.Capacity?.ConcurrentSequences,
            speed?.LowTokensPerSecond,
            speed?.HighTokensPerSecond);
    }
}
