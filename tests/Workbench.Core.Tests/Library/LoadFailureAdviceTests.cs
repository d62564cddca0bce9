using Workbench.Core.Library;

namespace Workbench.Core.Tests.Library;

public sealed class LoadFailureAdviceTests
{
    [Fact]
    public void A_missing_metadata_key_keeps_llama_cpps_words_and_says_what_to_try()
    {
        var message = LoadFailureAdvice.Explain("llama.cpp could not load x.gguf: key not found in model: tokenizer.ggml.model");

        Assert.StartsWith("llama.cpp could not load x.gguf: key not found in model: tokenizer.ggml.model ", message, StringComparison.Ordinal);
        Assert.Contains("Try another GGUF", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Running_out_of_memory_points_to_a_smaller_context_or_quantization()
    {
        Assert.Contains("smaller context window", LoadFailureAdvice.Explain("CUDA error: out of memory"), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_reason_is_passed_on_unchanged()
    {
        Assert.Equal("Something odd.", LoadFailureAdvice.Explain("Something odd."));
    }

    [Fact]
    public void Advice_is_not_added_twice()
    {
        var once = LoadFailureAdvice.Explain("out of memory");

        Assert.Equal(once, LoadFailureAdvice.Explain(once));
    }
}
