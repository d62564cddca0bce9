using Workbench.Web.Api.Compat;

namespace Workbench.Web.Api.Ollama;

/// <summary>The figures of Ollama's last line: why the answer ended, token counts and durations in nanoseconds.</summary>
internal sealed record OllamaDone(string Reason, long Total, int PromptTokens, long PromptEval, int EvalTokens, long Eval)
{
    private const long NanosPerMs = 1_000_000;

    /// <summary>The figures of a finished generation.</summary>
    public static OllamaDone From(ApiGenerationResult result)
    {
        var completion = result.Completion;
        return new OllamaDone(
            result.Finish == ApiFinishReason.Length ? "length" : "stop",
            (long)(completion.TotalMs * NanosPerMs),
            result.PromptTokens,
            (long)(completion.TimeToFirstTokenMs * NanosPerMs),
            result.CompletionTokens,
            (long)(Math.Max(0, completion.TotalMs - completion.TimeToFirstTokenMs) * NanosPerMs));
    }

    /// <summary>The last line of a chat answer.</summary>
    public OllamaChatChunk Chat(string model, string at, string content) =>
        new(model, at, new OllamaAnswerMessage("assistant", content), true, Reason, Total, 0, PromptTokens, PromptEval, EvalTokens, Eval);

    /// <summary>The last line of a generate answer.</summary>
    public OllamaGenerateChunk Generate(string model, string at, string response) =>
        new(model, at, response, true, Reason, Total, 0, PromptTokens, PromptEval, EvalTokens, Eval);
}
