using Workbench.Core.Estimation.Runtimes;
using Workbench.Core.Hub;
using Workbench.Core.Library;
using Workbench.Core.Estimation;
using Workbench.Web.Api;
using Workbench.Web.Estimation;

namespace Workbench.Web.Hub;

/// <summary>How a row runs on one device: a detected GPU alone, or the CPU alone.</summary>
/// <param name="Device">"GPU0 RTX 4090", "RAM" (the CPU alone), or the what-if size.</param>
/// <param name="Verdict">Fits, partial offload, CPU only or does not fit.</param>
/// <param name="Summary">Short text for a chip.</param>
public sealed record DeviceVerdict(string Device, FitKind Verdict, string Summary);

/// <summary>A repository row with its estimate at the chosen settings.</summary>
/// <param name="Row">The files and what their headers said.</param>
/// <param name="Estimate">The same answer the estimate API gives for these files on disk; null without a model.</param>
/// <param name="Devices">The verdict on each detected device.</param>
/// <param name="Speed">Decode speed to expect, when the bandwidth is known.</param>
/// <param name="FitsOnDisk">Whether the download fits in the free space of the target folder (true when unknown).</param>
public sealed record HubFitRow(HubModelRow Row, EstimateEndpoints.EstimateResponse? Estimate, IReadOnlyList<DeviceVerdict> Devices, SpeedEstimate? Speed, bool FitsOnDisk);

/// <summary>
/// The fit table of a repository: each row estimated by the same estimator, settings and detected budget as the
/// library's estimate API, so a row equals the estimate of the same file once it is downloaded.
/// </summary>
public static class HubFitTable
{
    /// <summary>Rows of <paramref name="repository"/> at <paramref name="query"/>'s settings.</summary>
    public static IReadOnlyList<HubFitRow> Build(HubRepository repository, EstimateQuery query, LibraryFit fit, long? freeDiskBytes)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (gpus, ram, detected) = query.Budget(fit);
        return Build(repository, query.Settings(), gpus, ram, detected, freeDiskBytes);
    }

    /// <summary>
    /// Rows of <paramref name="repository"/> with <paramref name="settings"/> on <paramref name="gpus"/> and <paramref name="availableRamBytes"/>;
    /// <paramref name="detected"/>, when the budget is the detected hardware, adds a verdict per device.
    /// </summary>
    public static IReadOnlyList<HubFitRow> Build(
        HubRepository repository, RunSettings settings, IReadOnlyList<GpuBudget> gpus, long? availableRamBytes, DetectedBudget? detected, long? freeDiskBytes)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(gpus);
        var ram = availableRamBytes;
        return [.. repository.Rows.Select(row =>
        {
            var fitsOnDisk = freeDiskBytes is not { } free || row.Set.TotalBytes <= free;
            if (row.Model is not { } model)
            {
                return new HubFitRow(row, null, [], null, fitsOnDisk);
            }

            // The same answer as the estimate API gives for the files once downloaded: the same subject, judged by
            // the runtime that loads its format (llama.cpp for GGUF).
            var subject = EstimationSubject.For(Descriptor(row), model, null);
            var judge = InferenceRuntimes.DefaultFor(subject.Format);
            var judged = JudgedEstimate.Make(subject, judge, settings, RuntimeSettings.Default, gpus, ram, detected?.RamBytesPerSecond);
            var (estimate, speed) = (judged.Estimate, judged.Speed);
            var response = EstimateEndpoints.Describe($"{repository.Repo}/{row.Set.Name}", judged, null);
            var devices = detected is null
                ? [new DeviceVerdict(gpus.Count > 0 ? gpus[0].Name : "RAM", estimate.Verdict.Kind, Summary(estimate))]
                : Devices(model, settings, detected);
            return new HubFitRow(row, response, devices, speed, fitsOnDisk);
        })];
    }

    // What the library would say of the files once downloaded, as far as the estimate depends on it.
    internal static ModelDescriptor Descriptor(HubModelRow row) => new()
    {
        Id = row.Set.Name,
        Name = row.Set.Name,
        Format = row.ModelFormat,
        QuantLabel = row.Format,
        PrimaryPath = row.Set.Name,
        Source = ModelSource.ModelRoot,
        SourceRoot = string.Empty,
    };

    private static IReadOnlyList<DeviceVerdict> Devices(EstimationModel model, RunSettings settings, DetectedBudget detected)
    {
        var verdicts = detected.Gpus
            .Select(gpu => (gpu.Name, Estimate: MemoryEstimator.Estimate(model, settings, [gpu], detected.AvailableRamBytes)))
            .Append((Name: "RAM", Estimate: MemoryEstimator.Estimate(model, settings, [], detected.AvailableRamBytes)));
        return [.. verdicts.Select(v => new DeviceVerdict(v.Name, v.Estimate.Verdict.Kind, Summary(v.Estimate)))];
    }

    /// <summary>"fits", "28/33 layers on GPU", "does not fit"; on the CPU alone, fitting in RAM is simply "fits".</summary>
    private static string Summary(MemoryEstimate estimate) =>
        estimate.Verdict.Kind == FitKind.CpuOnly ? "fits" : new FitCell(estimate.Context.RequestedContext, estimate).Summary;
}
