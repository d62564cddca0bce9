namespace Workbench.Web.Api.Compat;

/// <summary>How an API generation request ended.</summary>
public enum ApiRequestOutcome
{
    /// <summary>Answered in full (stop sequence, end of sequence or token limit).</summary>
    Completed,

    /// <summary>The client went away or cancelled; the worker stopped.</summary>
    Cancelled,

    /// <summary>The worker could not answer.</summary>
    Failed,

    /// <summary>Refused before generating (bad input, unknown model, no key).</summary>
    Rejected,
}

/// <summary>One API request as the dashboard shows it.</summary>
/// <param name="At">When the request arrived.</param>
/// <param name="Api">"OpenAI" or "Ollama".</param>
/// <param name="Endpoint">The path that was called.</param>
/// <param name="Client">The caller's program, from its User-Agent.</param>
/// <param name="Model">The model it asked for, if it named one.</param>
/// <param name="PromptTokens">Tokens in the formatted prompt.</param>
/// <param name="CompletionTokens">Tokens sent back.</param>
/// <param name="TokensPerSecond">Generation speed in the worker.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="Detail">The error or refusal, if any.</param>
/// <param name="DurationMs">From arrival to the end of the answer.</param>
public sealed record ApiRequestRecord(
    DateTimeOffset At,
    string Api,
    string Endpoint,
    string Client,
    string? Model,
    int PromptTokens,
    int CompletionTokens,
    double TokensPerSecond,
    ApiRequestOutcome Outcome,
    string? Detail,
    double DurationMs);
