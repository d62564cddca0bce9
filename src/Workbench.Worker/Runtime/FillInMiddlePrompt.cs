using System.Text;
using LLama;
using LLama.Native;

namespace Workbench.Worker.Runtime;

/// <summary>
/// The prompt for fill-in-the-middle in llama.cpp's prefix-suffix-middle order: FIM-prefix, the text before the gap,
/// FIM-suffix, the text after it, FIM-middle; the model then writes the middle. The tokens are the model's own
/// (GGUF <c>tokenizer.ggml.fim_pre/suf/mid_token_id</c>, or the names llama.cpp recognises), never guessed.
/// </summary>
internal static class FillInMiddlePrompt
{
    /// <summary>The prompt tokens, or null when the model has no FIM tokens.</summary>
    public static LLamaToken[]? Tokenize(LLamaWeights weights, string prefix, string suffix)
    {
        var vocab = weights.Vocab;
        if (vocab.InfillPrefix is not { } pre || vocab.InfillSuffix is not { } suf || vocab.InfillMiddle is not { } mid)
        {
            return null;
        }

        var tokens = new List<LLamaToken>();
        if (vocab.ShouldAddBOS && vocab.BOS is { } bos)
        {
            tokens.Add(bos);
        }

        tokens.Add(pre);
        tokens.AddRange(weights.Tokenize(prefix, false, false, Encoding.UTF8));
        tokens.Add(suf);
        tokens.AddRange(weights.Tokenize(suffix, false, false, Encoding.UTF8));
        tokens.Add(mid);
        return [.. tokens];
    }

    /// <summary>Why fill-in-the-middle cannot be done with this model.</summary>
    public const string Missing =
        "This model has no fill-in-the-middle tokens (GGUF tokenizer.ggml.fim_pre_token_id, fim_suf_token_id and fim_mid_token_id); "
        + "use a code model trained for infilling, or send the prompt without a suffix.";
}
