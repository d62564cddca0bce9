namespace Workbench.Core.Protocol;

/// <summary>
/// Names of the hub methods a worker calls (worker → server). The worker is a SignalR client,
/// so these are invoked by name; both ends compile against these constants.
/// </summary>
public static class WorkerHubMethods
{
    /// <summary>HTTP header in which a worker presents the shared secret when it connects.</summary>
    public const string SecretHeader = "X-Workbench-Worker-Secret";

    /// <summary>Path of the hub on the web host.</summary>
    public const string Path = "/hubs/worker";

    /// <summary><c>Register(WorkerRegistration)</c>: announces the worker once connected (and after each reconnect).</summary>
    public const string Register = "Register";

    /// <summary><c>StreamGeneration(Guid requestId, IAsyncEnumerable&lt;GenerationChunk&gt;)</c>: uploads a generation as it is produced.</summary>
    public const string StreamGeneration = "StreamGeneration";

    /// <summary><c>ReportLoadProgress(LoadProgress)</c>: how far a model load has come (sent at most every 100 ms).</summary>
    public const string ReportLoadProgress = "ReportLoadProgress";

    /// <summary><c>ReportHardware(HardwareSnapshot)</c>: what the worker's machine has, sent after each registration.</summary>
    public const string ReportHardware = "ReportHardware";

    /// <summary>
    /// <c>GetModelRoots() → IReadOnlyList&lt;string&gt;</c>: the dashboard's model folders, asked for after each registration
    /// so the hardware report covers the disks models load from.
    /// </summary>
    public const string GetModelRoots = "GetModelRoots";

    /// <summary><c>ReportTelemetry(TelemetrySample)</c>: one reading of GPU, CPU and RAM load (fire and forget, about 1 Hz).</summary>
    public const string ReportTelemetry = "ReportTelemetry";

    /// <summary>Worker → hub: the paths of the models under the worker's own model folders (the others it reported are gone).</summary>
    public const string ReportModelList = "ReportModelList";

    /// <summary>Worker → hub: one model under the worker's own model folders, with its shape for the estimator.</summary>
    public const string ReportModel = "ReportModel";
}
