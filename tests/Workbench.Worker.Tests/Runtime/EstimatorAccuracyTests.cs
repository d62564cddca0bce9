using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using LLama;
using LLama.Common;
using LLama.Native;
using Workbench.Core.DemoModel;
using Workbench.Core.Estimation;
using Workbench.Core.Gguf;
using Xunit.Abstractions;

namespace Workbench.Worker.Tests.Runtime;

/// <summary>
/// llama.cpp's log callback is process-wide: tests that read it must not run beside other tests that load models.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LlamaLogCaptureGroup
{
    public const string Name = "llama.cpp log capture";
}

/// <summary>
/// Generated llama models that span the shapes the accuracy matrix needs: layer counts 3–12, grouped-query ratios from
/// none (6 of 6 KV heads) to multi-query (1 KV head), feed-forward widths 2–6 × n_embd and vocabularies of 952 to
/// 30,452 tokens. Each is written once, on first use, and they total ≈ 600 MB on disk.
/// </summary>
public sealed class AccuracyModelFixture : IDisposable
{
    private static readonly Dictionary<string, DemoModelOptions> Shapes = new()
    {
        ["mqa-small"] = Shape(embedding: 256, layers: 3, heads: 4, kvHeads: 1, feedForward: 512, extraVocabulary: 500),
        ["gqa-8-layers"] = Shape(embedding: 512, layers: 8, heads: 8, kvHeads: 4, feedForward: 1024, extraVocabulary: 2000),
        ["no-gqa"] = Shape(embedding: 384, layers: 5, heads: 6, kvHeads: 6, feedForward: 1536, extraVocabulary: 8000),
        ["narrow"] = Shape(embedding: 768, layers: 6, heads: 12, kvHeads: 4, feedForward: 2048, extraVocabulary: 4000),
        ["wide"] = Shape(embedding: 1024, layers: 4, heads: 16, kvHeads: 2, feedForward: 2816, extraVocabulary: 12000),
        ["mqa-12-layers"] = Shape(embedding: 512, layers: 12, heads: 8, kvHeads: 1, feedForward: 1408, extraVocabulary: 1000),
        ["big-vocabulary"] = Shape(embedding: 640, layers: 3, heads: 10, kvHeads: 5, feedForward: 4096, extraVocabulary: 30000),
    };

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("workbench-estimator-accuracy-");
    private readonly ConcurrentDictionary<string, Lazy<(string, EstimationModel)>> _written = new();

    /// <summary>Names of the shapes, for the test matrix.</summary>
    public static IEnumerable<string> ShapeNames => Shapes.Keys;

    /// <summary>Path and estimation model of one shape, written on first use.</summary>
    public (string Path, EstimationModel Model) Get(string name) =>
        _written.GetOrAdd(name, key => new Lazy<(string, EstimationModel)>(() => Write(key, Shapes[key]))).Value;

    public void Dispose() => _directory.Delete(recursive: true);

    private (string, EstimationModel) Write(string name, DemoModelOptions options)
    {
        var path = Path.Combine(_directory.FullName, name + ".gguf");
        DemoModelGenerator.Write(path, options);
        return (path, EstimationModel.FromGguf(GgufReader.ReadFile(path)));
    }

    private static DemoModelOptions Shape(int embedding, int layers, int heads, int kvHeads, int feedForward, int extraVocabulary) => new()
    {
        EmbeddingLength = embedding,
        LayerCount = layers,
        HeadCount = heads,
        HeadCountKv = kvHeads,
        FeedForwardLength = feedForward,
        ContextLength = 8192,
        ExtraVocabularyPieces = extraVocabulary,
    };
}

/// <summary>
/// Compares <see cref="MemoryEstimator"/> with the buffer sizes llama.cpp itself logs when it loads the model and
/// creates a context on the CPU ("CPU model buffer size = … MiB" and the KV, compute and output buffers), over a
/// matrix of generated shapes × context lengths × micro-batches × flash attention × KV-cache types.
/// </summary>
[Collection(LlamaLogCaptureGroup.Name)]
public sealed partial class EstimatorAccuracyTests(AccuracyModelFixture fixture, ITestOutputHelper output) : IClassFixture<AccuracyModelFixture>
{
    /// <summary>Run settings of the matrix: each shape is loaded with two of them, so every setting meets several shapes.</summary>
    private static readonly (int Context, int MicroBatch, bool FlashAttention, KvCacheType Key, KvCacheType Value)[] Settings =
    [
        (512, 512, true, KvCacheType.F16, KvCacheType.F16),
        (2048, 512, false, KvCacheType.F16, KvCacheType.F16),
        (4096, 256, true, KvCacheType.Q8_0, KvCacheType.Q8_0),
        (8192, 512, true, KvCacheType.Q4_0, KvCacheType.Q4_0),
        (1000, 128, false, KvCacheType.Q8_0, KvCacheType.F16),
        (8192, 128, true, KvCacheType.F16, KvCacheType.F16),
    ];

    public static TheoryData<string, int, int, bool, KvCacheType, KvCacheType> Matrix()
    {
        var data = new TheoryData<string, int, int, bool, KvCacheType, KvCacheType>();
        var index = 0;
        foreach (var shape in AccuracyModelFixture.ShapeNames)
        {
            for (var pick = 0; pick < 2; pick++, index++)
            {
                var (context, microBatch, flashAttention, key, value) = Settings[index % Settings.Length];
                data.Add(shape, context, microBatch, flashAttention, key, value);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public void Cpu_estimate_matches_what_llama_cpp_allocates(string model, int context, int microBatch, bool flashAttention, KvCacheType keyType, KvCacheType valueType)
    {
        var (path, estimationModel) = fixture.Get(model);
        var reported = LoadAndCapture(path, context, microBatch, flashAttention, keyType, valueType);
        var settings = new RunSettings
        {
            ContextLength = context,
            MicroBatchSize = microBatch,
            FlashAttention = flashAttention,
            KeyCacheType = keyType,
            ValueCacheType = valueType,
        };
        var estimate = MemoryEstimator.Estimate(estimationModel, settings, []);
        var reportedTotal = reported.Model + reported.Kv + reported.Output + reported.Compute;

        var weights = Compare("model", estimate.WeightsCpuBytes, reported.Model);
        Compare("KV", estimate.KvCacheCpuBytes, reported.Kv);
        Compare("output", estimate.OutputBufferBytes, reported.Output);
        var compute = Compare("compute", estimate.ComputeCpuBytes, reported.Compute);
        var total = Compare("total", estimate.TotalRamBytes, reportedTotal);

        // Weights, KV cache and logits follow exact formulas: only llama.cpp's rounding to 0.01 MiB per buffer remains.
        Assert.InRange(Math.Abs(weights), 0, 0.001);
        Assert.InRange(Math.Abs(estimate.KvCacheCpuBytes - reported.Kv), 0, 0.011 * ByteSize.MiB);
        Assert.InRange(Math.Abs(estimate.OutputBufferBytes - reported.Output), 0, 0.006 * ByteSize.MiB);
        // The compute buffer is a model of ggml-alloc's reuse; the issue's goal holds for the total a user sees:
        // within 3 %, or 1 MiB where the whole model is only a few MiB.
        Assert.True(Math.Abs(total) <= 0.03 || Math.Abs(estimate.TotalRamBytes - reportedTotal) <= ByteSize.MiB,
            $"total off by {total:P2} ({(estimate.TotalRamBytes - reportedTotal) / ByteSize.MiB:F2} MiB)");
        if (reportedTotal >= 16 * ByteSize.MiB)
        {
            // Past the smallest shape, where ggml-alloc fits rows into gaps the formulas cannot see, the compute buffer
            // itself is within 2 % and the total within the 2 % the issue sets for a full GPU offload.
            Assert.InRange(Math.Abs(compute), 0, 0.02);
            Assert.InRange(Math.Abs(total), 0, 0.02);
        }
    }

    [Theory]
    [InlineData("mqa-small", KvCacheType.F16, 512, 1024)]
    [InlineData("wide", KvCacheType.Q8_0, 4096, 8192)]
    [InlineData("gqa-8-layers", KvCacheType.Q4_0, 8192, 2048)]
    public void A_correction_learned_at_one_context_keeps_the_estimate_at_another_within_the_goal(string model, KvCacheType cache, int learnedAt, int appliedAt)
    {
        var (path, estimationModel) = fixture.Get(model);
        var settings = new RunSettings { MicroBatchSize = 256, FlashAttention = true, KeyCacheType = cache, ValueCacheType = cache };

        var learned = LoadAndCapture(path, learnedAt, 256, true, cache, cache);
        var formulas = MemoryEstimator.Estimate(estimationModel, settings with { ContextLength = learnedAt }, []);
        var correction = MeasuredCorrection.FromLoad(
            formulas.WeightsCpuBytes, (long)learned.Model,
            formulas.KvCacheCpuBytes, (long)learned.Kv,
            formulas.ComputeCpuBytes + formulas.OutputBufferBytes, (long)(learned.Compute + learned.Output));
        Assert.NotNull(correction);

        var reported = LoadAndCapture(path, appliedAt, 256, true, cache, cache);
        var reportedTotal = reported.Model + reported.Kv + reported.Output + reported.Compute;
        var raw = Compare("raw", MemoryEstimator.Estimate(estimationModel, settings with { ContextLength = appliedAt }, []).TotalRamBytes, reportedTotal);
        var corrected = Compare("corrected", MemoryEstimator.Estimate(estimationModel, settings with { ContextLength = appliedAt, Correction = correction }, []).TotalRamBytes, reportedTotal);

        // Where the formulas miss in proportion (mqa-small's allocator gaps: 3.3 % → −0.2 %) the correction removes most
        // of the miss; where they are already within llama.cpp's 0.01 MiB rounding (the others) it can only add that
        // rounding, so the promise is the goal, not always closer.
        Assert.True(Math.Abs(corrected) <= Math.Max(Math.Abs(raw), 0.015) && Math.Abs(corrected) <= 0.03, $"corrected {corrected:P2} vs formulas {raw:P2}");
    }

    [Theory]
    [InlineData("gqa-8-layers", 2048, 4, true)]
    [InlineData("gqa-8-layers", 2048, 4, false)]
    [InlineData("wide", 1024, 2, false)]
    [InlineData("mqa-small", 4096, 8, true)]
    public void Parallel_sequences_estimate_matches_what_llama_cpp_allocates(string model, int contextPerSequence, int sequences, bool flashAttention)
    {
        var (path, estimationModel) = fixture.Get(model);
        var reported = LoadAndCapture(path, contextPerSequence * sequences, 512, flashAttention, KvCacheType.F16, KvCacheType.F16, sequences);
        var settings = new RunSettings { ContextLength = contextPerSequence * sequences, ParallelSequences = sequences, FlashAttention = flashAttention };
        var estimate = MemoryEstimator.Estimate(estimationModel, settings, []);
        var reportedTotal = reported.Model + reported.Kv + reported.Output + reported.Compute;

        Compare("KV", estimate.KvCacheCpuBytes, reported.Kv);
        Compare("output", estimate.OutputBufferBytes, reported.Output);
        var compute = Compare("compute", estimate.ComputeCpuBytes, reported.Compute);
        var total = Compare("total", estimate.TotalRamBytes, reportedTotal);

        // One KV stream per sequence: the cache is the same N windows, each sequence's attention sees only its own.
        Assert.InRange(Math.Abs(estimate.KvCacheCpuBytes - reported.Kv), 0, 0.011 * ByteSize.MiB);
        Assert.InRange(Math.Abs(estimate.OutputBufferBytes - reported.Output), 0, 0.006 * ByteSize.MiB * sequences);
        Assert.True(Math.Abs(total) <= 0.03 || Math.Abs(estimate.TotalRamBytes - reportedTotal) <= ByteSize.MiB,
            $"total off by {total:P2} ({(estimate.TotalRamBytes - reportedTotal) / ByteSize.MiB:F2} MiB); compute {compute:P2}");
    }

    private double Compare(string part, long estimated, double reported)
    {
        var error = reported > 0 ? (estimated - reported) / reported : 0;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{part,-8} estimated {estimated / (double)ByteSize.MiB,9:F2} MiB, llama.cpp {reported / ByteSize.MiB,9:F2} MiB, error {error,7:P2}"));
        return error;
    }

    private static Reported LoadAndCapture(string path, int context, int microBatch, bool flashAttention, KvCacheType keyType, KvCacheType valueType, int sequences = 1)
    {
        var lines = new ConcurrentQueue<string>();
        NativeLogConfig.llama_log_set((_, message) => lines.Enqueue(message));
        try
        {
            var parameters = new ModelParams(path)
            {
                ContextSize = (uint)context,
                BatchSize = 2048,
                UBatchSize = (uint)microBatch,
                FlashAttention = flashAttention,
                GpuLayerCount = 0,
                TypeK = (GGMLType)keyType.ToGgmlType(),
                TypeV = (GGMLType)valueType.ToGgmlType(),
                // As the worker loads for parallel answers: one KV stream per sequence.
                SeqMax = (uint)sequences,
                KVUnified = false,
            };
            using var weights = LLamaWeights.LoadFromFile(parameters);
            using var llamaContext = weights.CreateContext(parameters);
        }
        finally
        {
            NativeLogConfig.llama_log_set((_, _) => { });
        }

        double Sum(string buffer) => lines
            .Select(line => BufferSize().Match(line))
            .Where(m => m.Success && m.Groups["buffer"].Value == buffer)
            .Sum(m => double.Parse(m.Groups["mib"].Value, CultureInfo.InvariantCulture) * ByteSize.MiB);

        var reported = new Reported(Sum("model"), Sum("KV"), Sum("compute"), Sum("output"));
        Assert.True(reported.Model > 0 && reported.Kv > 0 && reported.Compute > 0, "llama.cpp did not log its buffer sizes:\n" + string.Concat(lines));
        return reported;
    }

    /// <summary>"load_tensors:   CPU model buffer size =    85.08 MiB", "sched_reserve:   CPU compute buffer size =    22.01 MiB" …</summary>
    [GeneratedRegex(@"\b(?<buffer>model|KV|compute|output) buffer size =\s*(?<mib>[0-9.]+) MiB")]
    private static partial Regex BufferSize();

    private sealed record Reported(double Model, double Kv, double Compute, double Output);
}
