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
/// Two generated models big enough for llama.cpp's 0.01 MiB figures to mean something: "narrow" (≈ 85 MiB: n_embd 768,
/// 6 layers, 12 heads, 4 KV heads, n_ff 2048, 4,452 tokens; a shape the compute-buffer formula was fitted on) and
/// "wide" (≈ 135 MiB: n_embd 1024, 4 layers, 16 heads, 2 KV heads, n_ff 2816, 12,452 tokens; not fitted on).
/// </summary>
public sealed class AccuracyModelFixture : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("workbench-estimator-accuracy-");

    public AccuracyModelFixture()
    {
        Models = new Dictionary<string, (string, EstimationModel)>
        {
            ["narrow"] = Write("narrow", new DemoModelOptions
            {
                EmbeddingLength = 768,
                LayerCount = 6,
                HeadCount = 12,
                HeadCountKv = 4,
                FeedForwardLength = 2048,
                ContextLength = 8192,
                ExtraVocabularyPieces = 4000,
            }),
            ["wide"] = Write("wide", new DemoModelOptions
            {
                EmbeddingLength = 1024,
                LayerCount = 4,
                HeadCount = 16,
                HeadCountKv = 2,
                FeedForwardLength = 2816,
                ContextLength = 8192,
                ExtraVocabularyPieces = 12000,
            }),
        };
    }

    /// <summary>Path and estimation model by name.</summary>
    public IReadOnlyDictionary<string, (string Path, EstimationModel Model)> Models { get; }

    public void Dispose() => _directory.Delete(recursive: true);

    private (string, EstimationModel) Write(string name, DemoModelOptions options)
    {
        var path = Path.Combine(_directory.FullName, name + ".gguf");
        DemoModelGenerator.Write(path, options);
        return (path, EstimationModel.FromGguf(GgufReader.ReadFile(path)));
    }
}

/// <summary>
/// Compares <see cref="MemoryEstimator"/> with the buffer sizes llama.cpp itself logs when it loads the model and
/// creates a context on the CPU ("CPU model buffer size = … MiB" and the KV, compute and output buffers).
/// </summary>
[Collection(LlamaLogCaptureGroup.Name)]
public sealed partial class EstimatorAccuracyTests(AccuracyModelFixture fixture, ITestOutputHelper output) : IClassFixture<AccuracyModelFixture>
{
    [Theory]
    [InlineData("narrow", 4096, 512, true)]
    [InlineData("narrow", 2048, 512, false)]
    [InlineData("narrow", 8192, 256, true)]
    [InlineData("wide", 4096, 512, true)]
    [InlineData("wide", 1000, 512, false)]
    [InlineData("wide", 8192, 128, true)]
    public void Cpu_estimate_matches_what_llama_cpp_allocates(string model, int context, int microBatch, bool flashAttention)
    {
        var (path, estimationModel) = fixture.Models[model];
        var reported = LoadAndCapture(path, context, microBatch, flashAttention);
        var settings = new RunSettings { ContextLength = context, MicroBatchSize = microBatch, FlashAttention = flashAttention };
        var estimate = MemoryEstimator.Estimate(estimationModel, settings, []);

        var weights = Compare("model", estimate.WeightsCpuBytes, reported.Model);
        var kv = Compare("KV", estimate.KvCacheCpuBytes, reported.Kv);
        var outputBuffer = Compare("output", estimate.OutputBufferBytes, reported.Output);
        var compute = Compare("compute", estimate.ComputeCpuBytes, reported.Compute);
        var total = Compare("total", estimate.TotalRamBytes, reported.Model + reported.Kv + reported.Output + reported.Compute);

        // Weights, KV cache and logits follow exact formulas: only llama.cpp's rounding to 0.01 MiB remains.
        Assert.InRange(Math.Abs(weights), 0, 0.001);
        Assert.InRange(Math.Abs(kv), 0, 0.001);
        Assert.InRange(Math.Abs(estimate.OutputBufferBytes - reported.Output), 0, 0.006 * ByteSize.MiB);
        // The compute buffer is a fitted peak of ggml-alloc's reuse; the total is what a user sees.
        Assert.InRange(Math.Abs(compute), 0, 0.30);
        Assert.InRange(Math.Abs(total), 0, 0.05);
    }

    private double Compare(string part, long estimated, double reported)
    {
        var error = reported > 0 ? (estimated - reported) / reported : 0;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{part,-8} estimated {estimated / (double)ByteSize.MiB,9:F2} MiB, llama.cpp {reported / ByteSize.MiB,9:F2} MiB, error {error,7:P2}"));
        return error;
    }

    private static Reported LoadAndCapture(string path, int context, int microBatch, bool flashAttention)
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
