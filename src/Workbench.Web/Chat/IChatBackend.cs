using Workbench.Core.Protocol;

namespace Workbench.Web.Chat;

/// <summary>What a chat needs from the workers: a model loaded, and answers streamed.</summary>
public interface IChatBackend
{
    /// <summary>
    /// Whether <paramref name="modelPath"/> (or, when null, any model) is ready to answer with a context of at least
    /// <paramref name="contextSize"/> tokens (null: whatever it was loaded with) and the settings chosen in
    /// <paramref name="chosen"/> (null: as it was loaded).
    /// </summary>
    ChatModelState GetModelState(string? modelPath, int? contextSize = null, LoadOverrides? chosen = null);

    /// <summary>Loads a model; null when it loaded, otherwise why not in words a user can act on.</summary>
    Task<string?> LoadModelAsync(string modelPath, int? contextSize, LoadOverrides? chosen, CancellationToken cancellationToken);

    /// <summary>
    /// Streams an answer from <paramref name="modelPath"/> (loaded back first if another request swapped it
    /// meanwhile; null: whatever is loaded). The last chunk carries the completion; cancelling ends it cancelled.
    /// <paramref name="waiting"/> hears how many requests are ahead when every slot of the model is busy.
    /// </summary>
    IAsyncEnumerable<GenerationChunk> GenerateAsync(
        GenerationRequest request, string? modelPath, int? contextSize, LoadOverrides? chosen, Action<int>? waiting, CancellationToken cancellationToken);
}
