namespace Workbench.Core.Library;

/// <summary>
/// Turns the reason a model did not load (the worker's or llama.cpp's words) into one message that also says what to do.
/// The original reason stays first and unchanged, so nothing the worker said is lost.
/// </summary>
public static class LoadFailureAdvice
{
    private static readonly (string[] Clues, string Advice)[] Rules =
    [
        (["key not found", "unknown model architecture", "unknown architecture", "unsupported model", "invalid magic", "tokenizer.ggml"],
            "This file lacks something this llama.cpp build needs (an architecture it does not know yet, or metadata an older or unusual conversion left out). Try another GGUF of the same model, e.g. from the model's official repository, or a newer Workbench."),
        (["out of memory", "failed to allocate", "cudamalloc", "unable to allocate", "not enough memory"],
            "It did not fit in memory. Choose a smaller context window or a smaller quantization, or unload other models first; Compare shows what fits."),
        (["not found on the worker", "no such file"],
            "The file is gone or moved. Rescan the library on the Models page."),
        (["permission denied", "access denied"],
            "The worker may not read this file. Check the file's permissions for the user Workbench runs as."),
    ];

    /// <summary><paramref name="reason"/> followed by advice when the reason is one we recognise; otherwise the reason alone.</summary>
    public static string Explain(string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        foreach (var (clues, advice) in Rules)
        {
            if (clues.Any(clue => reason.Contains(clue, StringComparison.OrdinalIgnoreCase)) && !reason.Contains(advice, StringComparison.Ordinal))
            {
                return $"{reason.TrimEnd()} {advice}";
            }
        }

        return reason;
    }
}
