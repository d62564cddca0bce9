namespace Workbench.Worker.Runtime;

/// <summary>Turns llama.cpp's embedding output into the one unit-length vector the APIs return.</summary>
public static class EmbeddingVector
{
    /// <summary>
    /// Averages the vectors (one when llama.cpp pooled, one per token when it did not) and scales the result to
    /// length 1, so a cosine similarity is a plain dot product, as OpenAI's and Ollama's clients assume.
    /// </summary>
    public static float[] MeanNormalized(IReadOnlyList<float[]> vectors)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        if (vectors.Count == 0)
        {
            return [];
        }

        var size = vectors[0].Length;
        var sum = new double[size];
        foreach (var vector in vectors)
        {
            for (var i = 0; i < size && i < vector.Length; i++)
            {
                sum[i] += vector[i];
            }
        }

        var length = Math.Sqrt(sum.Sum(v => v * v));
        var result = new float[size];
        for (var i = 0; i < size; i++)
        {
            result[i] = length > 0 ? (float)(sum[i] / length) : 0f;
        }

        return result;
    }
}
