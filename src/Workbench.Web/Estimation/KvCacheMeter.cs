using Workbench.Core.Conversations;
using Workbench.Core.Estimation;
using Workbench.Core.Protocol;
using Workbench.Web.Library;

namespace Workbench.Web.Estimation;

/// <summary>The KV-cache growth of a conversation, from its answers' token counts and the model's real shape.</summary>
public sealed class KvCacheMeter(LibraryIndex library, EstimationModelSource source)
{
    /// <summary>
    /// One entry per answer that reported its context; empty when the model is not in the library or cannot be
    /// estimated. <paramref name="cache"/> is the cache type the model is loaded with (llama.cpp's default f16 unless chosen).
    /// </summary>
    public IReadOnlyList<KvCacheTurn> Turns(string? modelPath, IEnumerable<GenerationCompletion?> answers, KvCacheType cache = KvCacheType.F16)
    {
        ArgumentNullException.ThrowIfNull(answers);
        if (modelPath is null || library.FindByPath(modelPath) is not { } descriptor || source.For(descriptor).Model is not { } model)
        {
            return [];
        }

        return KvCacheGrowth.PerTurn(answers, model, RunSettings.Default with { KeyCacheType = cache, ValueCacheType = cache });
    }
}
