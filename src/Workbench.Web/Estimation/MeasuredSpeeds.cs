using System.Collections.Concurrent;
using Workbench.Core.Protocol;

namespace Workbench.Web.Estimation;

/// <summary>A model's measured decode speed on one worker host.</summary>
/// <param name="MedianTokensPerSecond">Median over the answers kept.</param>
/// <param name="Answers">How many answers it is the median of.</param>
public sealed record MeasuredSpeed(double MedianTokensPerSecond, int Answers);

/// <summary>
/// Decode speeds the workers really reached, per host and model, so the Compare page can set its expected range
/// beside them once a model has run. Every answer through the gateway counts (chat and API alike).
/// </summary>
public sealed class MeasuredSpeeds
{
    /// <summary>Shorter answers say more about the first token's latency than about decode speed.</summary>
    public const int MinimumTokens = 16;

    /// <summary>Answers kept per host and model: recent enough to follow a changed context or load.</summary>
    public const int Kept = 20;

    private readonly ConcurrentDictionary<(string Host, string ModelPath), Queue<double>> _speeds = new();

    /// <summary>Records an answer's speed when it was long enough to mean something.</summary>
    public void Record(string host, string modelPath, GenerationCompletion completion)
    {
        ArgumentNullException.ThrowIfNull(completion);
        if (completion.Outcome == GenerationOutcome.Failed || completion.GeneratedTokens < MinimumTokens || completion.TokensPerSecond <= 0)
        {
            return;
        }

        var speeds = _speeds.GetOrAdd((host, modelPath), _ => new Queue<double>());
        lock (speeds)
        {
            speeds.Enqueue(completion.TokensPerSecond);
            if (speeds.Count > Kept)
            {
                speeds.Dequeue();
            }
        }
    }

    /// <summary>The measured speed of <paramref name="modelPath"/> on <paramref name="host"/>, or null before it has answered.</summary>
    public MeasuredSpeed? For(string host, string modelPath)
    {
        if (!_speeds.TryGetValue((host, modelPath), out var speeds))
        {
            return null;
        }

        double[] sorted;
        lock (speeds)
        {
            sorted = [.. speeds.Order()];
        }

        if (sorted.Length == 0)
        {
            return null;
        }

        var middle = sorted.Length / 2;
        var median = sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        return new MeasuredSpeed(median, sorted.Length);
    }
}
