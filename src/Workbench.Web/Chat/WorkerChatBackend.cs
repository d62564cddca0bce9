using Workbench.Core.Protocol;
using Workbench.Web.Workers;

namespace Workbench.Web.Chat;

/// <summary>Chat through the connected workers: the registry says what is loaded, the gateway loads and generates.</summary>
public sealed class WorkerChatBackend(WorkerGateway gateway, WorkerRegistry workers, Workbench.Web.Estimation.LoadPlanner planner) : IChatBackend
{
    /// <inheritdoc />
    public ChatModelState GetModelState(string? modelPath, int? contextSize = null, LoadOverrides? chosen = null)
    {
        var worker = workers.MostRecentlyUsed();
        if (worker is null)
        {
            return ChatModelState.NoWorker;
        }

        // The gateway's own rule, so what this says is what an answer will do.
        var loaded = modelPath is null
            ? worker.LoadedModel
            : workers.Holding(modelPath).Select(w => w.FindResident(modelPath)!.Load).MaxBy(l => l.ContextSize);
        if (loaded is { ModelPath: not null }
            && (modelPath is null || !WorkerGateway.NeedsLoad(loaded, new ModelLoadRequest(modelPath, planner.ContextFor(modelPath, contextSize), Overrides: chosen))))
        {
            return ChatModelState.Ready;
        }

        return modelPath is null ? ChatModelState.NoModelChosen : ChatModelState.NeedsLoading;
    }

    /// <inheritdoc />
    public async Task<string?> LoadModelAsync(string modelPath, int? contextSize, LoadOverrides? chosen, CancellationToken cancellationToken)
    {
        if (planner.Refusal(modelPath, chosen) is { } refused)
        {
            return refused;
        }

        var result = await gateway.LoadModelAsync(planner.Plan(modelPath, contextSize, chosen), cancellationToken);
        return result.Succeeded ? null : result.Error ?? "The model could not be loaded.";
    }

    /// <inheritdoc />
    public IAsyncEnumerable<GenerationChunk> GenerateAsync(
        GenerationRequest request, string? modelPath, int? contextSize, LoadOverrides? chosen, Action<int>? waiting, CancellationToken cancellationToken) =>
        gateway.GenerateAsync(request, modelPath is null ? null : planner.Plan(modelPath, contextSize, chosen), cancellationToken, waiting);
}
