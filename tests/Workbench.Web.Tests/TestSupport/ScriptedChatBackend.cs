using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Workbench.Core.Protocol;
using Workbench.Web.Chat;

namespace Workbench.Web.Tests.TestSupport;

/// <summary>
/// A worker stand-in: the test writes the chunks it streams. Like the real gateway, cancelling a
/// generation ends it with a cancelled completion.
/// </summary>
public sealed class ScriptedChatBackend : IChatBackend
{
    private readonly Channel<GenerationChunk> _chunks = Channel.CreateUnbounded<GenerationChunk>();

    /// <summary>Every request received, in order.</summary>
    public List<GenerationRequest> Requests { get; } = [];

    /// <summary>What <see cref="GetModelState"/> answers.</summary>
    public ChatModelState ModelState { get; set; } = ChatModelState.Ready;

    /// <summary>A completed generation's figures.</summary>
    public static GenerationCompletion Completed(int promptTokens, int generatedTokens, int contextSize = 2048, bool stoppedAtContextEnd = false) =>
        new(GenerationOutcome.Completed, null, promptTokens, generatedTokens, 5, 50, contextSize, stoppedAtContextEnd);

    /// <summary>Streams one text chunk.</summary>
    public void Send(string text) => _chunks.Writer.TryWrite(new GenerationChunk(text, 1));

    /// <summary>Ends the current generation.</summary>
    public void End(GenerationCompletion completion) => _chunks.Writer.TryWrite(GenerationChunk.Final(completion));

    /// <inheritdoc />
    public ChatModelState GetModelState(string? modelPath, int? contextSize = null, LoadOverrides? chosen = null) => ModelState;

    /// <inheritdoc />
    public async Task<string?> LoadModelAsync(string modelPath, int? contextSize, LoadOverrides? chosen, CancellationToken cancellationToken)
    {
        Loads.Add((modelPath, contextSize));
        LoadChoices.Add(chosen);
        if (HoldLoads)
        {
            // Like a large model: the load ends only when cancelled.
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        return LoadError;
    }

    /// <summary>What a load answers: null for success, or the reason it failed.</summary>
    public string? LoadError { get; set; }

    /// <summary>Every load asked for, with its context.</summary>
    public List<(string Path, int? ContextSize)> Loads { get; } = [];

    /// <summary>The settings chosen by hand with every load, in order.</summary>
    public List<LoadOverrides?> LoadChoices { get; } = [];

    /// <summary>Loads never finish by themselves (until cancelled).</summary>
    public bool HoldLoads { get; set; }

    /// <inheritdoc />
    public async IAsyncEnumerable<GenerationChunk> GenerateAsync(
        GenerationRequest request, string? modelPath, int? contextSize, LoadOverrides? chosen, Action<int>? waiting, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Requests.Add(request);
        var generated = 0;
        while (true)
        {
            GenerationChunk chunk;
            try
            {
                chunk = await _chunks.Reader.ReadAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            generated += chunk.TokenCount;
            yield return chunk;
            if (chunk.Completion is not null)
            {
                yield break;
            }
        }

        yield return GenerationChunk.Final(new GenerationCompletion(GenerationOutcome.Cancelled, null, 10, generated, 5, 50, 2048));
    }
}
