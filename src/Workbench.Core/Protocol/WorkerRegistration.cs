namespace Workbench.Core.Protocol;

/// <summary>What a worker tells the dashboard about itself when it connects.</summary>
/// <param name="WorkerId">Stable id for this worker process (new per process start).</param>
/// <param name="HostName">Machine the worker runs on.</param>
/// <param name="ProcessId">Worker process id on its host.</param>
/// <param name="Backend">llama.cpp backend the worker was built with (e.g. "Cpu", "Cuda12").</param>
/// <param name="Version">Worker version.</param>
/// <param name="LoadedModelPath">Model already loaded (after a reconnect), if any.</param>
/// <param name="ProtocolVersion">The hub protocol the worker speaks (<see cref="WorkerProtocol.Version"/> when it was built); 0 from workers that predate it.</param>
public sealed record WorkerRegistration(
    string WorkerId,
    string HostName,
    int ProcessId,
    string Backend,
    string Version,
    string? LoadedModelPath,
    int ProtocolVersion = 0);

/// <summary>The version of the contract between dashboard and workers; both ends must speak the same one.</summary>
public static class WorkerProtocol
{
    /// <summary>
    /// 2: several resident models, parallel sequences, embeddings (LoadModel with sequences, UnloadModel(path), Embed).
    /// A worker of another version is refused at registration with a message naming both.
    /// </summary>
    public const int Version = 2;
}
