using Workbench.Core.Protocol;
using Workbench.Web.Workers;

namespace Workbench.Web.Chat;

/// <summary>
/// One browser tab's conversation: sends turns to the worker and streams the answer in,
/// re-rendering in batches (at most every <see cref="RenderInterval"/>) rather than per token.
/// </summary>
public sealed class ChatSession(WorkerGateway gateway, WorkerRegistry workers, TimeProvider time) : IDisposable
{
    /// <summary>Shortest time between two re-renders while streaming.</summary>
    public static readonly TimeSpan RenderInterval = TimeSpan.FromMilliseconds(50);

    private readonly List<ChatMessage> _messages = [];
    private CancellationTokenSource? _generation;

    /// <summary>Raised when the conversation changed and should be rendered.</summary>
    public event Func<Task>? Changed;

    /// <summary>The conversation, oldest first.</summary>
    public IReadOnlyList<ChatMessage> Messages => _messages;

    /// <summary>True while an answer streams.</summary>
    public bool IsGenerating => _generation is not null;

    /// <summary>The model file chat uses; loaded on the first message if the worker has none.</summary>
    public string? ModelPath { get; set; }

    /// <summary>Status line for the user (loading, errors).</summary>
    public string? Notice { get; private set; }

    /// <summary>Sampling settings for the next answers.</summary>
    public SamplingSettings Sampling { get; set; } = new();

    /// <summary>Sends a user message and streams the answer.</summary>
    public async Task SendAsync(string text)
    {
        if (string.IsNullOrWhiteSpace(text) || IsGenerating)
        {
            return;
        }

        _messages.Add(new ChatMessage("user", text.Trim()));
        var answer = new ChatMessage("assistant");
        _messages.Add(answer);
        using var generation = new CancellationTokenSource();
        _generation = generation;
        try
        {
            await NotifyAsync();
            if (!await EnsureModelLoadedAsync(generation.Token))
            {
                answer.Append(GenerationChunk.Final(GenerationCompletion.Failure(Notice ?? "No model is loaded.")));
                return;
            }

            var request = new GenerationRequest(Guid.NewGuid(), ToTurns(), Sampling);
            var lastRender = time.GetTimestamp();
            await foreach (var chunk in gateway.GenerateAsync(request, generation.Token))
            {
                answer.Append(chunk);
                if (time.GetElapsedTime(lastRender) >= RenderInterval)
                {
                    lastRender = time.GetTimestamp();
                    await NotifyAsync();
                }
            }
        }
        catch (OperationCanceledException)
        {
            answer.Append(GenerationChunk.Final(new GenerationCompletion(GenerationOutcome.Cancelled, null, 0, answer.TokenCount, 0, 0)));
        }
        finally
        {
            _generation = null;
            await NotifyAsync();
        }
    }

    /// <summary>Stops the answer that is streaming.</summary>
    public void Stop()
    {
        try
        {
            _generation?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // It just finished.
        }
    }

    /// <summary>Starts over with an empty conversation.</summary>
    public void Clear()
    {
        Stop();
        _messages.Clear();
    }

    private async Task<bool> EnsureModelLoadedAsync(CancellationToken cancellationToken)
    {
        var worker = workers.PickWorker();
        if (worker is null)
        {
            Notice = "No worker is connected yet; the local worker may still be starting.";
            return false;
        }

        if (worker.LoadedModel?.ModelPath is { } loaded && (ModelPath is null || loaded == ModelPath))
        {
            return true;
        }

        if (ModelPath is null)
        {
            Notice = "Choose a model to chat with.";
            return false;
        }

        Notice = $"Loading {Path.GetFileName(ModelPath)}…";
        await NotifyAsync();
        var result = await gateway.LoadModelAsync(new ModelLoadRequest(ModelPath), cancellationToken);
        Notice = result.Succeeded ? null : result.Error;
        return result.Succeeded;
    }

    private List<ChatTurn> ToTurns() =>
        [.. _messages.Where(m => m.Completion is null || m.Completion.Outcome != GenerationOutcome.Failed)
            .Where(m => m.Role != "assistant" || m.Text.Length > 0)
            .Select(m => new ChatTurn(m.Role, m.Text))];

    private Task NotifyAsync() => Changed?.Invoke() ?? Task.CompletedTask;

    /// <inheritdoc />
    public void Dispose() => Stop();
}
