namespace Workbench.Core.Protocol;

/// <summary>A generated token with its log-probability, as the OpenAI and Ollama APIs report it.</summary>
/// <param name="Token">The token's text (a part of a character shows as U+FFFD; <paramref name="Bytes"/> has it exactly).</param>
/// <param name="Logprob">
/// Natural logarithm of its probability under the model's own distribution at that position (the softmax of the raw
/// logits, before temperature and the other samplers), as llama.cpp's server reports it.
/// </param>
/// <param name="Bytes">The token's UTF-8 bytes.</param>
/// <param name="Top">The most likely tokens at that position, most likely first; empty when none were asked for.</param>
public sealed record TokenLogprob(string Token, double Logprob, byte[] Bytes, IReadOnlyList<TokenAlternative> Top);

/// <summary>One of the most likely tokens at a position.</summary>
/// <param name="Token">The token's text.</param>
/// <param name="Logprob">Natural logarithm of its probability.</param>
/// <param name="Bytes">The token's UTF-8 bytes.</param>
public sealed record TokenAlternative(string Token, double Logprob, byte[] Bytes);
