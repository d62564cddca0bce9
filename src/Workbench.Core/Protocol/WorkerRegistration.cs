namespace Workbench.Core.Protocol;

/// <summary>What a worker tells the dashboard about itself when it connects.</summary>
/// <param name="WorkerId">Stable id for this worker process (new per process start).</param>
/// <param name="HostName">Machine the worker runs on.</param>
/// <param name="ProcessId">Worker process id on its host.</param>
/// <param name="Backend">llama.cpp backend the worker was built with (e.g. "Cpu", "Cuda12").</param>
/// <param name="Version">Worker version.</param>
/// <param name="LoadedModelPath">Model already loaded (after a reconnect), if any.</param>
public sealed record WorkerRegistration(
    string WorkerId,
    string HostName,
    int ProcessId,
    string Backend,
    string Version,
    string? LoadedModelPath);
