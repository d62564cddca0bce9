using LLama;
using LLama.Common;
using LLama.Native;

namespace Workbench.Worker.Runtime;

/// <summary>
/// A model held in memory by this worker: its weights, the context its answers share (through the batcher), and
/// what the load reported. Embeddings use a short-lived context of their own, one request at a time.
/// </summary>
internal sealed class ResidentModel(string path, LLamaWeights weights, ModelParams parameters, SequenceBatcher batcher, Core.Protocol.ModelLoadResult load)
    : IAsyncDisposable
{
    private readonly SemaphoreSlim _embedGate = new(1, 1);

    /// <summary>The model file.</summary>
    public string Path { get; } = path;

    /// <summary>The weights.</summary>
    public LLamaWeights Weights { get; } = weights;

    /// <summary>The settings it was loaded with (n_ctx is every sequence's window together).</summary>
    public ModelParams Parameters { get; } = parameters;

    /// <summary>The decode loop its answers share.</summary>
    public SequenceBatcher Batcher { get; } = batcher;

    /// <summary>What the load reported.</summary>
    public Core.Protocol.ModelLoadResult Load { get; } = load;

    /// <summary>When it last started an answer or embedding (for "most recently used").</summary>
    public long LastUsed { get; set; }

    /// <summary>Embeds each input into one unit-length vector.</summary>
    public async Task<Core.Protocol.EmbeddingResult> EmbedAsync(IReadOnlyList<string> inputs, CancellationToken cancellationToken)
    {
        await _embedGate.WaitAsync(cancellationToken);
        try
        {
            using var embedder = new LLamaEmbedder(Weights, EmbeddingParameters());
            var vectors = new List<float[]>(inputs.Count);
            var tokens = 0;
            foreach (var input in inputs)
            {
                tokens += Weights.Tokenize(input, true, true, System.Text.Encoding.UTF8).Length;
                var embeddings = await embedder.GetEmbeddings(input, cancellationToken);
                // Pooling gives one vector; a model read per token (no pooling) is averaged here the same way.
                vectors.Add(EmbeddingVector.MeanNormalized(embeddings));
            }

            return new Core.Protocol.EmbeddingResult(vectors, tokens);
        }
        finally
        {
            _embedGate.Release();
        }
    }

    // The model's own pooling when its metadata states one (embedding models do); mean pooling otherwise, as
    // Ollama and llama-server do for chat models asked for embeddings.
    private ModelParams EmbeddingParameters()
    {
        var declaresPooling = Weights.Metadata.Keys.Any(k => k.EndsWith(".pooling_type", StringComparison.Ordinal));
        var window = Math.Min(Load.ContextSize, (int)Math.Min(int.MaxValue, Math.Max(512, Weights.ContextSize)));
        return new ModelParams(Path)
        {
            ContextSize = (uint)window,
            BatchSize = (uint)window,
            UBatchSize = (uint)window,
            Embeddings = true,
            PoolingType = declaresPooling ? LLamaPoolingType.Unspecified : LLamaPoolingType.Mean,
            Threads = Parameters.Threads,
            BatchThreads = Parameters.BatchThreads,
            GpuLayerCount = Parameters.GpuLayerCount,
        };
    }

    /// <summary>Stops the decode loop and frees the context and the weights.</summary>
    public async ValueTask DisposeAsync()
    {
        await Batcher.DisposeAsync();
        Weights.Dispose();
        _embedGate.Dispose();
    }
}
