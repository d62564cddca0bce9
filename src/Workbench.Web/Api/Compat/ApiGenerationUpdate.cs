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
/// <param name="CompletionTokens">Tokens generated; after a stop sequence, those of the chunks received up to and including the one it was in.</param>
/// <param name="Error">Why it failed, if it did.</param>
/// <param name="Completion">The worker's own figures.</param>
public sealed record ApiGenerationResult(ApiFinishReason Finish, int PromptTokens, int CompletionTokens, string? Error, GenerationCompletion Completion);

/// <summary>A piece of an API answer: text, or (last) the result.</summary>
/// <param name="Text">Text to send since the previous update.</param>
/// <param name="Result">Set on the last update only.</param>
public sealed record ApiGenerationUpdate(string Text, ApiGenerationResult? Result = null);
