// Recomputes the Compare page's fit table (every quantization × 7 context lengths) for a Llama-3-8B-shaped
// model and prints estimates per second and the table time as a ratio of the 5 ms interactive budget; then the whole
// table with every runtime (GGUF in llama.cpp, EXL2 and GPTQ in ExLlamaV2, GPTQ/AWQ in vLLM and Transformers).
using System.Diagnostics;
using Workbench.Core.Estimation;
using Workbench.Core.Estimation.Runtimes;

var model = new TransformerShape
{
    LayerCount = 32,
    EmbeddingLength = 4096,
    HeadCount = 32,
    HeadCountKv = 8,
    FeedForwardLength = 14336,
    VocabularySize = 128256,
    ContextLength = 131072,
}.ToModel();
var contexts = FitTable.ContextColumns(model.TrainingContextLength);
IReadOnlyList<GpuBudget> gpus = [GpuBudget.WithGibibytes("24 GB", 24)];
var settings = RunSettings.Default;

var options = QuantizationCatalog.Describe(model); // once per model, as the Compare page does
for (var i = 0; i < 200; i++)
{
    // Warm-up: enough calls for tiered JIT to replace the first, unoptimized code.
    FitTable.Build(model, options, settings, gpus, contexts);
    FitTable.Build(model, options, settings, RuntimeSettings.Default, gpus, contexts, everyRuntime: true);
}

var describeClock = Stopwatch.StartNew();
QuantizationCatalog.Describe(model);
var describeMs = describeClock.Elapsed.TotalMilliseconds;

const int Runs = 200;
var times = new double[Runs];
var cells = 0;
for (var i = 0; i < Runs; i++)
{
    var clock = Stopwatch.StartNew();
    var rows = FitTable.Build(model, options, settings with { KeyCacheType = i % 2 == 0 ? KvCacheType.F16 : KvCacheType.Q8_0 }, gpus, contexts);
    times[i] = clock.Elapsed.TotalMilliseconds;
    cells = rows.Sum(r => r.Cells.Count);
}

Array.Sort(times);
var median = times[Runs / 2];
Console.WriteLine($"fit table: {cells} cells ({cells / contexts.Count} quantizations x {contexts.Count} contexts)");
Console.WriteLine($"median table time: {median:F2} ms, p95 {times[(int)(Runs * 0.95)]:F2} ms");
Console.WriteLine($"estimates per second: {cells / (median / 1000):N0}");
Console.WriteLine($"ratio to the 5 ms budget: {median / 5:F3} (goal < 1)");
Console.WriteLine($"describing the quantizations (once per model pick): {describeMs:F2} ms");

// The whole table: every format in every runtime that loads it, the runtime settings changing between runs as the
// page's controls change them.
var everyTimes = new double[Runs];
var everyCells = 0;
for (var i = 0; i < Runs; i++)
{
    var runtime = RuntimeSettings.Default with { Exl2Cache = Exl2CacheModes.All[i % 4], GpuMemoryUtilization = i % 2 == 0 ? 0.9 : 0.8 };
    var clock = Stopwatch.StartNew();
    var rows = FitTable.Build(model, options, settings, runtime, gpus, contexts, everyRuntime: true);
    everyTimes[i] = clock.Elapsed.TotalMilliseconds;
    everyCells = rows.Sum(r => r.Cells.Count);
}

Array.Sort(everyTimes);
var everyMedian = everyTimes[Runs / 2];
Console.WriteLine($"every runtime: {everyCells} cells ({everyCells / contexts.Count} quantization-runtime rows x {contexts.Count} contexts)");
Console.WriteLine($"median table time, every runtime: {everyMedian:F2} ms, p95 {everyTimes[(int)(Runs * 0.95)]:F2} ms");
Console.WriteLine($"ratio to the 5 ms budget, every runtime: {everyMedian / 5:F3} (goal < 1)");

// The slow case: an 8 GB card, where most cells do not fit and each of those works out what would.
IReadOnlyList<GpuBudget> small = [GpuBudget.WithGibibytes("8 GB", 8)];
var smallTimes = new double[Runs];
for (var i = 0; i < Runs; i++)
{
    var clock = Stopwatch.StartNew();
    FitTable.Build(model, options, settings, RuntimeSettings.Default, small, contexts, everyRuntime: true);
    smallTimes[i] = clock.Elapsed.TotalMilliseconds;
}

Array.Sort(smallTimes);
Console.WriteLine($"median table time, every runtime on 8 GB: {smallTimes[Runs / 2]:F2} ms (ratio to 5 ms: {smallTimes[Runs / 2] / 5:F3})");

// Which part costs there: llama.cpp's search for the GPU layers that fit (GGUF rows) or the GPU-only runtimes.
foreach (var (name, subset) in new[] { ("GGUF in llama.cpp", options.Where(o => o.Format == QuantizationFormat.Gguf).ToList()), ("EXL2, GPTQ, AWQ in their runtimes", options.Where(o => o.Format != QuantizationFormat.Gguf).ToList()) })
{
    var partTimes = new double[Runs];
    for (var i = 0; i < Runs; i++)
    {
        var clock = Stopwatch.StartNew();
        FitTable.Build(model, subset, settings, RuntimeSettings.Default, small, contexts, everyRuntime: true);
        partTimes[i] = clock.Elapsed.TotalMilliseconds;
    }

    Array.Sort(partTimes);
    Console.WriteLine($"  of which {name}: {partTimes[Runs / 2]:F2} ms");
}
