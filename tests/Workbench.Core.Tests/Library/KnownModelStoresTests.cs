using Workbench.Core.Library;

namespace Workbench.Core.Tests.Library;

public sealed class KnownModelStoresTests
{
    private const string Home = "/home/ada";

    [Fact]
    public void The_default_locations_are_under_the_home_folder()
    {
        var stores = KnownModelStores.Discover(Environment(exists: _ => true));

        Assert.Contains(new ModelStoreRoot("/home/ada/.cache/huggingface/hub", ModelSource.HuggingFaceCache), stores);
        Assert.Contains(new ModelStoreRoot("/home/ada/.ollama/models", ModelSource.Ollama), stores);
        Assert.Contains(new ModelStoreRoot("/home/ada/.lmstudio/models", ModelSource.LmStudio), stores);
        Assert.Contains(new ModelStoreRoot("/home/ada/.cache/lm-studio/models", ModelSource.LmStudio), stores);
        Assert.Contains(new ModelStoreRoot("/home/ada/text-generation-webui/models", ModelSource.TextGenerationWebUi), stores);
    }

    [Fact]
    public void Only_locations_that_exist_are_returned()
    {
        var stores = KnownModelStores.Discover(Environment(exists: p => p == "/home/ada/.ollama/models"));

        Assert.Equal([new ModelStoreRoot("/home/ada/.ollama/models", ModelSource.Ollama)], stores);
    }

    [Fact]
    public void Hf_hub_cache_overrides_the_hugging_face_location()
    {
        var stores = KnownModelStores.Discover(Environment(("HF_HUB_CACHE", "/data/hub"), ("HF_HOME", "/data/hf")));

        Assert.Contains(new ModelStoreRoot("/data/hub", ModelSource.HuggingFaceCache), stores);
    }

    [Fact]
    public void Hf_home_puts_the_cache_in_its_hub_folder()
    {
        var stores = KnownModelStores.Discover(Environment(("HF_HOME", "/data/hf")));

        Assert.Contains(new ModelStoreRoot("/data/hf/hub", ModelSource.HuggingFaceCache), stores);
    }

    [Fact]
    public void Ollama_models_overrides_the_ollama_location_and_a_tilde_means_home()
    {
        var stores = KnownModelStores.Discover(Environment(("OLLAMA_MODELS", "~/ollama-store")));

        Assert.Contains(new ModelStoreRoot("/home/ada/ollama-store", ModelSource.Ollama), stores);
        Assert.DoesNotContain(new ModelStoreRoot("/home/ada/.ollama/models", ModelSource.Ollama), stores);
    }

    [Fact]
    public void A_blank_variable_counts_as_unset()
    {
        var stores = KnownModelStores.Discover(Environment(("OLLAMA_MODELS", "  ")));

        Assert.Contains(new ModelStoreRoot("/home/ada/.ollama/models", ModelSource.Ollama), stores);
    }

    private static ModelStoreEnvironment Environment(params (string Name, string Value)[] variables) =>
        new(Home, variables.ToDictionary(v => v.Name, v => (string?)v.Value), _ => true);

    private static ModelStoreEnvironment Environment(Func<string, bool> exists) => new(Home, null, exists);
}
