namespace Workbench.Core.Protocol;

/// <summary>What the web host can ask of a connected worker (server → worker calls over SignalR).</summary>
public interface IWorkerClient
{
    /// <summary>
    /// Loads a model beside the resident ones (replacing only the same file loaded with other settings); the worker
    /// answers when it is ready or has failed. Which models stay resident is the dashboard's decision.
    /// </summary>
    Task<ModelLoadResult> LoadModel(ModelLoadRequest request);

    /// <summary>
    /// Unloads <paramref name="modelPath"/> (null: every resident model) once its answers in progress end; answers
    /// whether anything was unloaded.
    /// </summary>
    Task<bool> UnloadModel(string? modelPath);

    /// <summary>Embeds texts with a resident model.</summary>
    Task<EmbeddingResult> Embed(EmbeddingRequest request);

    /// <summary>
    /// Stops the load named <paramref name="loadId"/>, in progress or not yet started; its <see cref="LoadModel"/> call
    /// then answers that it was cancelled.
    /// </summary>
    Task CancelLoad(Guid loadId);

    /// <summary>Starts a generation; the worker streams its chunks back through <see cref="WorkerHubMethods.StreamGeneration"/>.</summary>
    Task StartGeneration(GenerationRequest request);

    /// <summary>Stops a running generation; unknown or finished ids are ignored.</summary>
    Task CancelGeneration(Guid requestId);

    /// <summary>Reads the hardware again and reports it (the dashboard's model folders changed, so the disks to list did).</summary>
    Task RefreshHardware();

    /// <summary>The owner retired this worker from the dashboard: it stops instead of reconnecting (<paramref name="reason"/> goes to its log).</summary>
    Task Retire(string reason);
}
