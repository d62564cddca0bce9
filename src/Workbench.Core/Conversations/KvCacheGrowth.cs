using Workbench.Core.Estimation;
using Workbench.Core.Protocol;

namespace Workbench.Core.Conversations;

/// <summary>How a conversation fills the model's KV cache, answer by answer, from the token counts the worker reports.</summary>
public static class KvCacheGrowth
{
    /// <summary>
    /// One entry per answer that reported its context (in order); answers without one (failed before the first token,
    /// or saved by an older version) are skipped but still count in the turn numbers.
    /// </summary>
    /// <param name="answers">The assistant messages' completions, oldest first; null for an answer still streaming.</param>
    /// <param name="model">The model the conversation runs on.</param>
    /// <param name="settings">How it was loaded (cache types); the context comes from each completion.</param>
    public static IReadOnlyList<KvCacheTurn> PerTurn(IEnumerable<GenerationCompletion?> answers, EstimationModel model, RunSettings settings)
    {
        ArgumentNullException.ThrowIfNull(answers);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(settings);
        var turns = new List<KvCacheTurn>();
        long previous = 0;
        var turn = 0;
        foreach (var answer in answers)
        {
            turn++;
            if (answer is not { ContextSize: > 0 } done)
            {
                continue;
            }

            var atContext = settings with { ContextLength = done.ContextSize };
            var used = done.PromptTokens + done.GeneratedTokens;
            var filled = KvCacheSize.Filled(model, atContext, used);
            turns.Add(new KvCacheTurn(turn, used, filled, filled - previous, KvCacheSize.Total(model, atContext)));
            previous = filled;
        }

        return turns;
    }
}
