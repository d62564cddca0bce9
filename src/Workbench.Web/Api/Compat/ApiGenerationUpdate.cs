using Workbench.Core.Protocol;

namespace Workbench.Web.Api.Compat;

/// <summary>Why an API answer ended, in the terms both APIs report.</summary>
public enum ApiFinishReason
{
    /// <summary>A stop sequence or the model's end of sequence.</summary>
    Stop,

    /// <summary>The token limit or the end of the context window.</summary>
    Length,

    /// <summary>The client went away.</summary>
    Cancelled,

    /// <summary>The worker could not answer.</summary>
    Failed,
}

/// <summary>How an API answer ended, with its usage counts.</summary>
/// <param name="Finish">Why it ended.</param>
/// <param name="PromptTokens">Tokens in the formatted prompt.</param>
/// <param name="CompletionTokens">Tokens generated; after a stop sequence, those up to and including the token that completed it.</param>
/// <param name="Error">Why it failed, if it did.</param>
/// <param name="Completion">The worker's own figures.</param>
public sealed record ApiGenerationResult(ApiFinishReason Finish, int PromptTokens, int CompletionTokens, string? Error, GenerationCompletion Completion)
{
    /// <summary>
    /// The refusal for a failed answer: a prompt longer than the window (400 <c>context_length_exceeded</c>, with the
    /// numbers, so SDKs do not retry it) or a suffix for a model without FIM tokens is the client's to fix; anything
    /// else is the server's (500).
    /// </summary>
    /// <param name="promptField">The request field that held the prompt, as the client sent it.</param>
    public ApiRequestException ToRefusal(string promptField) => Completion.FailureReason switch
    {
        GenerationFailureReason.NoFillInMiddleTokens => ApiRequestException.Invalid("suffix", Error ?? "This model cannot fill in the middle."),
        GenerationFailureReason.PromptExceedsContext => new ApiRequestException(
                StatusCodes.Status400BadRequest,
                $"This model's maximum context length is {Completion.ContextSize} tokens. However, your {promptField} resulted in {Completion.PromptTokens} tokens "
                + $"(one more is kept free for the answer). Please reduce the length of the {promptField}, or load the model with a larger window.",
                promptField,
                "context_length_exceeded"),
        _ => new ApiRequestException(StatusCodes.Status500InternalServerError, $"The worker could not answer: {Error}", code: "server_error"),
    };
}

/// <summary>A piece of an API answer: text, or (last) the result.</summary>
/// <param name="Text">Text to send since the previous update.</param>
/// <param name="Result">Set on the last update only.</param>
/// <param name="Logprobs">The tokens generated since the previous update with their log-probabilities, when asked for.</param>
public sealed record ApiGenerationUpdate(string Text, ApiGenerationResult? Result = null, IReadOnlyList<TokenLogprob>? Logprobs = null);
