using Workbench.Core.Protocol;
using Workbench.Web.Workers;

namespace Workbench.Web.Chat;

/// <summary>Chat through the connected workers: the registry says what is loaded, the gateway loads and generates.</summary>
public sealed class WorkerChatBackend(WorkerGateway gateway, WorkerRegistry workers) : IChatBackend
{
    /// <inheritdoc />
    public ChatModelState GetModelState(string? modelPath)
    {
        var worker = workers.PickWorker();
        if (worker is null)
        {
            return ChatModelState.NoWorker;
        }

        if (worker.LoadedModel?.ModelPath is { } loaded && (modelPath is null || loaded == modelPath))
        {
            return ChatModelState.Ready;
        }

        return modelPath is null ? ChatModelState.NoModelChosen : ChatModelState.NeedsLoading;
    }

    /// <inheritdoc />
    public async Task<string?> LoadModelAsync(string modelPath, CancellationToken cancellationToken)
    {
        var result = await gateway.LoadModelAsync(new ModelLoadRequest(modelPath), cancellationToken);
        return result.Succeeded ? null : result.Error ?? "The model could not be loaded.";
    }

    /// <inheritdoc />
    public IAsyncEnumerable<GenerationChunk> GenerateAsync(GenerationRequest request, string? modelPath, CancellationToken cancellationToken) =>
        gateway.GenerateAsync(request, modelPath is null ? null : new ModelLoadRequest(modelPath), cancellationToken);
}
