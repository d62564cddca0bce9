using Workbench.Core.Estimation;
using Workbench.Core.Protocol;

namespace Workbench.Core.Tests.Protocol;

public sealed class LoadOverridesTests
{
    [Fact]
    public void Nothing_chosen_is_llama_cpps_default_f16_cache_with_flash_attention()
    {
        var none = LoadOverrides.None;

        Assert.True(none.IsNone);
        Assert.Equal(KvCacheType.F16, none.CacheType);
        Assert.True(none.UsesFlashAttention);
        Assert.Null(none.Problem);
        Assert.Equal(RunSettings.Default, none.Apply(RunSettings.Default));
    }

    [Theory]
    [InlineData(KvCacheType.Q8_0, false, true)]
    [InlineData(KvCacheType.Q4_0, false, true)]
    [InlineData(KvCacheType.Q8_0, true, false)]
    [InlineData(KvCacheType.F32, false, false)]
    [InlineData(KvCacheType.BF16, false, false)]
    public void A_quantized_cache_without_flash_attention_is_refused_as_llama_cpp_does(KvCacheType cache, bool flash, bool refused)
    {
        var choice = new LoadOverrides(KvCache: cache, FlashAttention: flash);

        Assert.Equal(refused, choice.Problem is not null);
        // The estimator refuses the same settings.
        var settings = choice.Apply(RunSettings.Default);
        Assert.Equal(refused, Record.Exception(settings.Validate) is ArgumentException);
    }

    [Fact]
    public void Applied_choices_set_both_caches_and_keep_the_planned_layers_unless_chosen()
    {
        var planned = RunSettings.Default with { GpuLayers = 20 };

        var cache = new LoadOverrides(KvCache: KvCacheType.Q8_0).Apply(planned);
        var layers = new LoadOverrides(GpuLayers: 7, FlashAttention: false).Apply(planned);

        Assert.Equal((KvCacheType.Q8_0, KvCacheType.Q8_0, 20), (cache.KeyCacheType, cache.ValueCacheType, cache.GpuLayers));
        Assert.Equal((7, false), (layers.GpuLayers, layers.FlashAttention));
        Assert.Equal("GPU layers must be 0 or more.", new LoadOverrides(GpuLayers: -1).Problem);
    }

    [Theory]
    [InlineData("q8_0", true, KvCacheType.Q8_0)]
    [InlineData("F16", true, KvCacheType.F16)]
    [InlineData("iq4_nl", true, KvCacheType.IQ4_NL)]
    [InlineData("8", false, default(KvCacheType))]
    [InlineData("q3_k", false, default(KvCacheType))]
    [InlineData("", false, default(KvCacheType))]
    [InlineData(null, false, default(KvCacheType))]
    public void Cache_types_parse_by_llama_cpps_names_only(string? name, bool parses, KvCacheType expected)
    {
        Assert.Equal(parses, KvCacheTypes.TryParse(name, out var type));
        Assert.Equal(expected, type);
    }
}

public sealed class KvCacheRefusalTests
{
    [Fact]
    public void A_block_quantized_cache_must_divide_the_head_length_as_llama_cpp_requires()
    {
        var llama = Estimation.KnownShapes.Llama3_8BModel;
        // Phi-2's heads are 80 wide: 80 is not a multiple of a 32-value q8_0 block.
        var phi2 = (Estimation.KnownShapes.Llama3_8B with { EmbeddingLength = 2560, HeadCount = 32, HeadCountKv = 32, HeadLength = 80 }).ToModel();

        Assert.Null(KvCacheType.Q8_0.RefusalFor(llama));
        Assert.Null(KvCacheType.F16.RefusalFor(phi2));
        Assert.Contains("do not divide the heads of 80", KvCacheType.Q8_0.RefusalFor(phi2), StringComparison.Ordinal);
        Assert.NotNull(KvCacheType.Q4_0.RefusalFor(phi2));
    }
}
