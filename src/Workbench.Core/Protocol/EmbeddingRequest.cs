namespace Workbench.Core.Protocol;

/// <summary>Asks a worker for embedding vectors.</summary>
/// <param name="ModelPath">The resident model to embed with.</param>
/// <param name="Inputs">Texts, one vector each.</param>
public sealed record EmbeddingRequest(string ModelPath, IReadOnlyList<string> Inputs);

/// <summary>Vectors for an <see cref="EmbeddingRequest"/>, or why there are none.</summary>
/// <param name="Vectors">One unit-length vector per input, in order.</param>
/// <param name="PromptTokens">Tokens read over all inputs.</param>
/// <param name="Error">Why embedding failed, in words a user can act on.</param>
public sealed record EmbeddingResult(IReadOnlyList<float[]> Vectors, int PromptTokens, string? Error = null)
{
    /// <summary>A failure with its reason.</summary>
    public static EmbeddingResult Failed(string error) => new([], 0, error);
}
