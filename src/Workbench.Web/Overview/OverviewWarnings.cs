using Workbench.Core.Estimation;
using Workbench.Core.Hardware;
using Workbench.Web.Workers;

namespace Workbench.Web.Overview;

/// <summary>
/// What the Overview warns about, each as one sentence that says what is wrong and what to do: a disk of the model or
/// data folder almost full, a CUDA backend the NVIDIA driver is too old for (or no driver at all), a local worker that
/// had to be restarted, files that could not be read, loaded or that crashed llama.cpp, and no worker at all.
/// </summary>
public static class OverviewWarnings
{
    /// <summary>Free space under which a disk counts as almost full: 10 % of it, but never more than this.</summary>
    public const long AlmostFullCeilingBytes = 10 * ByteSize.GiB;

    /// <summary>Whether a disk with <paramref name="freeBytes"/> of <paramref name="totalBytes"/> free is almost full.</summary>
    public static bool IsAlmostFull(long freeBytes, long totalBytes) =>
        totalBytes > 0 && freeBytes < Math.Min(totalBytes / 10, AlmostFullCeilingBytes);

    /// <summary>The warnings for <paramref name="facts"/>, most pressing first.</summary>
    public static IReadOnlyList<string> For(OverviewFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var warnings = new List<string>();
        if (facts.Workers.Count == 0)
        {
            warnings.Add("No worker is connected: chat and the API cannot answer until one is. The local worker may still be starting.");
        }

        if (facts.DataFolder is { FreeBytes: { } dataFree, TotalBytes: { } dataTotal } data && IsAlmostFull(dataFree, dataTotal))
        {
            warnings.Add($"The disk of the data folder ({data.Path}) is almost full: {ByteSize.Format(dataFree)} free of {ByteSize.Format(dataTotal)}. "
                + "Chats, logs and backups are written there; free some space.");
        }

        foreach (var worker in facts.Workers)
        {
            if (worker.Hardware is not { } hardware)
            {
                continue;
            }

            // The model folders' disks (and the worker's own and temp folder's); one shared with the data folder is said once, above.
            foreach (var disk in hardware.Disks)
            {
                if (disk is { FreeBytes: { } free, TotalBytes: { } total } && IsAlmostFull(free, total)
                    && !(worker.Registration.HostName == facts.LocalHost && disk.MountPoint is not null && disk.MountPoint == facts.DataFolder?.MountPoint))
                {
                    warnings.Add($"{worker.Registration.HostName}: the disk of {disk.Path} is almost full: {ByteSize.Format(free)} free of {ByteSize.Format(total)}. "
                        + "Models and the worker's files need room; remove models you no longer use.");
                }
            }

            if (CudaBackendCheck.Check(hardware.Software.Backend, hardware.Gpus).Warning is { } cuda)
            {
                warnings.Add($"{worker.Registration.HostName}: {cuda}");
            }
        }

        if (facts.LocalWorker is { Restarts: > 0 } local)
        {
            warnings.Add($"The local worker has been restarted {Times(local.Restarts)} since the dashboard started"
                + (local.LastExit is { } exit ? $"; the last time: {exit.TrimEnd('.')}." : ".")
                + " The worker log (logs/worker.log in the data folder) says more.");
        }

        if (facts.UnreadableFiles > 0)
        {
            warnings.Add($"{facts.UnreadableFiles} {(facts.UnreadableFiles == 1 ? "file" : "files")} in the library could not be read; the Models page says why.");
        }

        warnings.AddRange(facts.Crashes.Select(c => $"{c.Model} crashed llama.cpp {Times(c.Count)}: {c.Reason}"));
        warnings.AddRange(facts.LoadFailures.Select(f => $"{f.Model} did not load: {f.Reason} The Models page marks it until it loads."));
        return warnings;
    }

    private static string Times(int count) => count == 1 ? "once" : $"{count} times";
}

/// <summary>What the Overview's warnings are made from.</summary>
/// <param name="Workers">The connected workers.</param>
/// <param name="LocalHost">This machine's name (as its worker reports it), to tell its disks from other machines'.</param>
/// <param name="DataFolder">The disk of the dashboard's data folder, when it could be read.</param>
/// <param name="LocalWorker">The supervised local worker, when supervision is on.</param>
/// <param name="UnreadableFiles">Library files that could not be read.</param>
/// <param name="Crashes">Models that crashed llama.cpp: name, count, last reason.</param>
/// <param name="LoadFailures">Models the worker refused to load: name and reason.</param>
public sealed record OverviewFacts(
    IReadOnlyList<ConnectedWorker> Workers,
    string? LocalHost,
    DiskInfo? DataFolder,
    WorkerProcessStatus? LocalWorker,
    int UnreadableFiles,
    IReadOnlyList<(string Model, int Count, string Reason)> Crashes,
    IReadOnlyList<(string Model, string Reason)> LoadFailures);
