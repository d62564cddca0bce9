namespace Workbench.Core.Conversations;

/// <summary>The KV cache after one answer of a conversation.</summary>
/// <param name="Turn">1 for the first answer, 2 for the second…</param>
/// <param name="UsedTokens">Tokens in the context after the answer (prompt and answer).</param>
/// <param name="FilledBytes">Bytes of the KV cache those tokens fill.</param>
/// <param name="AddedBytes">Growth since the previous answer (negative when a regenerated or edited turn got shorter).</param>
/// <param name="CapacityBytes">The whole cache, allocated at load for the context window.</param>
public sealed record KvCacheTurn(int Turn, int UsedTokens, long FilledBytes, long AddedBytes, long CapacityBytes)
{
    /// <summary>Share of the cache in use, 0 to 1.</summary>
    public double Fraction => CapacityBytes > 0 ? Math.Clamp((double)FilledBytes / CapacityBytes, 0, 1) : 0;
}
