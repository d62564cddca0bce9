namespace Workbench.Core.Estimation.Runtimes;

/// <summary>
/// What a pre-allocated, paged KV cache holds (vLLM logs the same figures at start: "GPU KV cache size: N tokens",
/// "Maximum concurrency for L tokens per request: C×").
/// </summary>
/// <param name="PoolBytes">Bytes of the KV pool on each GPU.</param>
/// <param name="Tokens">Tokens the pool holds: blocks × block size.</param>
/// <param name="MaxContextLength">The largest <c>max_model_len</c> one request could have (capped at the model's trained context).</param>
/// <param name="ConcurrentSequences">Requests of the asked context length the pool holds at once (vLLM's "maximum concurrency").</param>
public sealed record KvPoolCapacity(long PoolBytes, long Tokens, long MaxContextLength, double ConcurrentSequences);
