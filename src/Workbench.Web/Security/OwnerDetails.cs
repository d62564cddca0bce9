using System.Security.Claims;
using Workbench.Core.Hardware;
using Workbench.Core.Library;
using Workbench.Core.Protocol;
using Workbench.Web.Library;

namespace Workbench.Web.Security;

/// <summary>
/// Absolute paths and process ids show where things live on the workstation and what runs there; only the
/// owner needs them. Everyone else (guests, API keys) gets file and folder names and no process ids.
/// </summary>
public static class OwnerDetails
{
    /// <summary>Whether <paramref name="viewer"/> sees paths and process ids.</summary>
    public static bool AreVisibleTo(ClaimsPrincipal? viewer) => OwnerOnly.Allows(viewer);

    /// <summary>The path itself for the owner, else only its last segment.</summary>
    public static string PathFor(ClaimsPrincipal? viewer, string path) => AreVisibleTo(viewer) ? path : LastSegment(path);

    /// <summary>A model as <paramref name="viewer"/> may see it.</summary>
    public static ModelDescriptor ModelFor(ClaimsPrincipal? viewer, ModelDescriptor model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return AreVisibleTo(viewer) ? model : model with
        {
            PrimaryPath = LastSegment(model.PrimaryPath),
            Files = [.. model.Files.Select(LastSegment)],
            SourceRoot = LastSegment(model.SourceRoot),
            Error = model.Error is { } error && model.SourceRoot.Length > 0 ? error.Replace(model.SourceRoot, "…", StringComparison.Ordinal) : model.Error,
        };
    }

    /// <summary>A worker's registration as <paramref name="viewer"/> may see it: process id 0 when hidden.</summary>
    public static WorkerRegistration RegistrationFor(ClaimsPrincipal? viewer, WorkerRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        return AreVisibleTo(viewer) ? registration : registration with
        {
            ProcessId = 0,
            LoadedModelPath = registration.LoadedModelPath is { } path ? LastSegment(path) : null,
        };
    }

    /// <summary>A hardware report as <paramref name="viewer"/> may see it: disks by folder name, no GPU processes.</summary>
    public static HardwareSnapshot HardwareFor(ClaimsPrincipal? viewer, HardwareSnapshot hardware)
    {
        ArgumentNullException.ThrowIfNull(hardware);
        return AreVisibleTo(viewer) ? hardware : hardware with
        {
            Disks = [.. hardware.Disks.Select(d => d with { Path = LastSegment(d.Path), MountPoint = null })],
            Gpus = [.. hardware.Gpus.Select(g => g with { Processes = [] })],
        };
    }

    /// <summary>Scan progress as <paramref name="viewer"/> may see it.</summary>
    public static LibraryScanStatus ScanFor(ClaimsPrincipal? viewer, LibraryScanStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return AreVisibleTo(viewer) || status.CurrentPath is null ? status : status with { CurrentPath = LastSegment(status.CurrentPath) };
    }

    private static string LastSegment(string path) => Path.GetFileName(Path.TrimEndingDirectorySeparator(path));
}
