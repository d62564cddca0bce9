using Workbench.Core.Conversations;
using Workbench.Core.Estimation;
using Workbench.Core.Protocol;
using Workbench.Core.Tests.Estimation;

namespace Workbench.Core.Tests.Conversations;

public sealed class KvCacheGrowthTests
{
    // Llama-3-8B at f16: 32 layers × (8 KV heads × 128) keys and as many values × 2 bytes = 128 KiB per token.
    private const long Llama8BBytesPerToken = 32 * 2 * 8 * 128 * 2;

    [Fact]
    public void A_llama_3_8b_conversation_of_1000_tokens_fills_125_mib_of_its_1_gib_cache()
    {
        var settings = RunSettings.Default with { ContextLength = 8192 };

        Assert.Equal(1000 * Llama8BBytesPerToken, KvCacheSize.Filled(KnownShapes.Llama3_8BModel, settings, 1000));
        Assert.Equal(125 * ByteSize.MiB, KvCacheSize.Filled(KnownShapes.Llama3_8BModel, settings, 1000));
        Assert.Equal(ByteSize.GiB, KvCacheSize.Total(KnownShapes.Llama3_8BModel, settings));
    }

    [Fact]
    public void Past_their_window_only_the_global_layers_of_gemma_3_keep_growing()
    {
        var model = KnownShapes.Gemma3_12B.ToModel();
        var settings = RunSettings.Default with { ContextLength = 8192 };
        const long perLayerPerToken = 8 * 256 * 2 * 2;

        // Below the 1,024-token window every one of the 48 layers grows.
        Assert.Equal(1000 * 48 * perLayerPerToken, KvCacheSize.Filled(model, settings, 1000));
        // From 2,000 to 3,000 tokens only the 8 global layers (every sixth) take more.
        Assert.Equal(1000 * 8 * perLayerPerToken, KvCacheSize.Filled(model, settings, 3000) - KvCacheSize.Filled(model, settings, 2000));
    }

    [Fact]
    public void Each_answer_reports_what_the_cache_holds_after_it_and_how_much_it_added()
    {
        GenerationCompletion Answer(int prompt, int generated) => new(GenerationOutcome.Completed, null, prompt, generated, 10, 100, ContextSize: 8192);
        var answers = new[] { Answer(100, 50), GenerationCompletion.Failure("worker gone"), null, Answer(300, 100) };

        var turns = KvCacheGrowth.PerTurn(answers, KnownShapes.Llama3_8BModel, RunSettings.Default);

        Assert.Equal([1, 4], turns.Select(t => t.Turn));
        Assert.Equal([150, 400], turns.Select(t => t.UsedTokens));
        Assert.Equal([150 * Llama8BBytesPerToken, 400 * Llama8BBytesPerToken], turns.Select(t => t.FilledBytes));
        Assert.Equal([150 * Llama8BBytesPerToken, 250 * Llama8BBytesPerToken], turns.Select(t => t.AddedBytes));
        Assert.All(turns, t => Assert.Equal(ByteSize.GiB, t.CapacityBytes));
        Assert.Equal(400.0 / 8192, turns[1].Fraction, 6);
    }

    [Fact]
    public void A_shorter_regenerated_answer_shows_the_cache_shrinking()
    {
        GenerationCompletion Answer(int prompt, int generated) => new(GenerationOutcome.Completed, null, prompt, generated, 10, 100, ContextSize: 4096);

        var turns = KvCacheGrowth.PerTurn([Answer(100, 300), Answer(120, 20)], KnownShapes.Llama3_8BModel, RunSettings.Default);

        Assert.Equal(-260 * Llama8BBytesPerToken, turns[1].AddedBytes);
    }
}
