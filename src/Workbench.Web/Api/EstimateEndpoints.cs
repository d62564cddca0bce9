using Microsoft.AspNetCore.Http.HttpResults;
using Workbench.Core.Estimation;
using Workbench.Web.Estimation;
using Workbench.Web.Library;

namespace Workbench.Web.Api;

/// <summary>The estimator's JSON API: <c>GET /workbench/v1/models/{id}/estimate</c>.</summary>
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
        string? CorrectedByMeasuredLoad);

    /// <summary>Maps the endpoint.</summary>
    public static IEndpointRouteBuilder MapEstimateApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/workbench/v1/models/{id}/estimate", Estimate)
            .WithTags("Estimation")
            .WithName("EstimateModel")
            .WithSummary("Memory needed to run a library model with these settings, and whether it fits.")
            .WithDescription("context is each answer's window; sequences=N estimates N answers decoded together (llama.cpp's n_seq_max: a KV cache of N windows and N logits rows), as the worker loads models for parallel requests. A quantized V cache without flash attention is refused, as llama.cpp refuses it. Without vramBytes the estimate uses the GPUs and free RAM the chat worker detected (CPU only before it has reported, or when it has no GPU); vramBytes=0 asks about the CPU alone. After the model has been loaded once, each part is corrected by what llama.cpp allocated then (correctedByMeasuredLoad says how); applyMeasuredLoad=false gives the formulas alone.");
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
        int? sequences)
    {
        if (index.Find(id) is not { } descriptor)
        {
            return TypedResults.Problem($"No model with id '{id}' is in the library.", statusCode: StatusCodes.Status404NotFound);
        }

        var (query, invalid) = EstimateQuery.Parse(context, kvCache, flashAttention, gpuLayers, vramBytes, sequences);
        if (query is null)
        {
            return TypedResults.Problem(invalid, statusCode: StatusCodes.Status400BadRequest);
        }

        var (model, problem) = source.For(descriptor);
        if (model is null)
        {
            return TypedResults.Problem(problem, statusCode: StatusCodes.Status422UnprocessableEntity);
        }

        // Once the model has been loaded, its measured buffers correct the formulas unless the caller asks for them alone.
        var measured = applyMeasuredLoad is false ? null : measurements.For(descriptor);
        var settings = query.Settings(measured?.Correction);
        var (gpus, ram, _) = query.Budget(fit);
        var estimate = MemoryEstimator.Estimate(model, settings, gpus, ram);
        return TypedResults.Ok(Describe(
            descriptor.Id, model, settings, estimate, estimate.Correction is { } correction ? $"{correction.Describe()} (load of {measured!.MeasuredAt:O})" : null));
    }

    /// <summary>The answer for an estimate already made (also used for the rows of hub repositories).</summary>
    public static EstimateResponse Describe(string id, EstimationModel model, RunSettings settings, MemoryEstimate estimate, string? correctedBy)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(estimate);
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
            correctedBy);
    }
}
