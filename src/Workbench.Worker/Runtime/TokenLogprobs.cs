using System.Numerics.Tensors;

namespace Workbench.Worker.Runtime;

/// <summary>Log-probabilities from one position's logits: their log-softmax, and the most likely tokens.</summary>
internal static class TokenLogprobs
{
    /// <summary>
    /// The log-probability of <paramref name="chosen"/> and the <paramref name="count"/> most likely tokens with
    /// theirs, most likely first (the lower id first among equals). <paramref name="scratch"/>, at least as long as
    /// <paramref name="logits"/>, saves an allocation per token.
    /// </summary>
    public static (double Chosen, (int Token, double Logprob)[] Top) Compute(ReadOnlySpan<float> logits, int chosen, int count, float[]? scratch = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(chosen);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(chosen, logits.Length);
        // Shifted by the largest, so exp never overflows; vectorised, as it runs over the whole vocabulary per token.
        var max = TensorPrimitives.Max(logits);
        var shifted = (scratch is not null && scratch.Length >= logits.Length ? scratch : new float[logits.Length]).AsSpan(0, logits.Length);
        TensorPrimitives.Subtract(logits, max, shifted);
        TensorPrimitives.Exp(shifted, shifted);
        var logSum = max + Math.Log(TensorPrimitives.Sum<float>(shifted));
        var top = MostLikely(logits, Math.Min(count, logits.Length));
        var alternatives = new (int Token, double Logprob)[top.Length];
        for (var i = 0; i < top.Length; i++)
        {
            alternatives[i] = (top[i], logits[top[i]] - logSum);
        }

        return (logits[chosen] - logSum, alternatives);
    }

    // One pass with a small sorted array: count is at most 20 against a vocabulary of up to a few hundred thousand.
    private static int[] MostLikely(ReadOnlySpan<float> logits, int count)
    {
        var best = new int[count];
        var filled = 0;
        for (var i = 0; i < logits.Length && count > 0; i++)
        {
            if (filled == count && logits[i] <= logits[best[count - 1]])
            {
                continue;
            }

            var at = filled < count ? filled++ : count - 1;
            while (at > 0 && logits[best[at - 1]] < logits[i])
            {
                best[at] = best[at - 1];
                at--;
            }

            best[at] = i;
        }

        return best;
    }
}
