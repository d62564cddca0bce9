// Measures how long GgufReader takes to parse the header of a ≈100 MB model, against two baselines measured
// in the same run on the same (page-cached) file: opening it and reading its first 4 KiB, and reading all of it.
using System.Diagnostics;
using System.Globalization;
using Workbench.Core.DemoModel;
using Workbench.Core.Gguf;

const int MinWarmupRuns = 50;
const double MinWarmupMilliseconds = 600; // long enough for tiered JIT to finish optimising the hot paths
const int ParseRuns = 41;
const int FullReadRuns = 7;

var directory = Path.Combine(Path.GetTempPath(), "workbench-bench-gguf-" + Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(directory);
try
{
    var path = Path.Combine(directory, "large-demo.gguf");
    var generation = Stopwatch.StartNew();
    DemoModelGenerator.Write(path, DemoModelOptions.Large);
    generation.Stop();

    ReadWholeFile(path); // page-cache the file so every measurement below reads from memory

    var firstStart = Stopwatch.GetTimestamp();
    var file = GgufReader.ReadFile(path);
    var firstParse = Stopwatch.GetElapsedTime(firstStart).TotalMilliseconds;
    Console.WriteLine(Invariant($"model      {file.FileLength / 1e6:F1} MB, {file.Tensors.Count} tensors, {file.Metadata.Count} metadata keys, vocabulary {file.Facts.VocabularySize:N0}, header {file.DataOffset / 1024.0:F1} KiB"));
    Console.WriteLine(Invariant($"generated  in {generation.Elapsed.TotalMilliseconds:F0} ms ({file.FileLength / 1e6 / generation.Elapsed.TotalSeconds:F0} MB/s, atomic write with fsync)"));

    var parse = Measure(ParseRuns, () => GgufReader.ReadFile(path).Tensors.Count);
    var peek = Measure(ParseRuns, () => ReadFirstBytes(path, 4096));
    var full = Measure(FullReadRuns, () => ReadWholeFile(path));

    var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
    GgufReader.ReadFile(path);
    var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

    Console.WriteLine();
    Console.WriteLine(Invariant($"header parse, first call (incl. JIT)  {firstParse:F3} ms"));
    Console.WriteLine(Invariant($"header parse (GgufReader.ReadFile)   median {parse:F3} ms  ({allocated / 1024.0:F0} KiB allocated)"));
    Console.WriteLine(Invariant($"baseline: open + read first 4 KiB    median {peek:F3} ms"));
    Console.WriteLine(Invariant($"baseline: read the whole file        median {full:F3} ms"));
    Console.WriteLine();
    Console.WriteLine(Invariant($"parse / open+4KiB  = {parse / peek:F1}×"));
    Console.WriteLine(Invariant($"parse / whole read = {parse / full:F4} ({parse / full * 100:F2}% of reading the file)"));
}
finally
{
    Directory.Delete(directory, recursive: true);
}

static double Measure(int runs, Func<long> action)
{
    var warmup = Stopwatch.StartNew();
    for (var i = 0; i < MinWarmupRuns || warmup.Elapsed.TotalMilliseconds < MinWarmupMilliseconds; i++)
    {
        action();
    }

    var times = new double[runs];
    for (var i = 0; i < runs; i++)
    {
        var start = Stopwatch.GetTimestamp();
        action();
        times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    Array.Sort(times);
    if (Environment.GetEnvironmentVariable("BENCH_VERBOSE") is not null)
    {
        Console.WriteLine(Invariant($"  min {times[0]:F3}  p25 {times[runs / 4]:F3}  median {times[runs / 2]:F3}  p75 {times[3 * runs / 4]:F3}  max {times[^1]:F3}"));
    }

    return times[runs / 2];
}

static long ReadFirstBytes(string path, int count)
{
    using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
    var buffer = new byte[count];
    return stream.Read(buffer, 0, count);
}

static long ReadWholeFile(string path)
{
    using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
    var buffer = new byte[1 << 20];
    long total = 0;
    int n;
    while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
    {
        total += n;
    }

    return total;
}

static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
