// Generates a model big enough that decoding is memory-bound (Llama-3.2-1B's layer shapes in Q8_0 by default, ≈ 1 GB:
// a full-size file decodes at a realistic speed even with random weights), loads it with 8 slots, and measures in one run:
//   aggregate tokens/s with 1, 2, 4 and 8 concurrent streams, and the ratio to one stream;
//   time to first token of a short request alone and while 3 long answers stream, and their ratio;
//   single-stream decode speed against raw llama.cpp on the same file and threads (node-llama-cpp's prebuilt binary),
//   and decoding alone at 4 streams against 1 for both, when `npm ci` has been run in bench/llamacpp-baseline.
// Run it on an idle machine: llama.cpp's threads spin at every step, and anything else running (a build) makes them
// wait for each other; on a busy 2-core VM the raw baseline fell from 30 to 4–5 tokens/s that way.
// Usage: dotnet run -c Release --project bench/Workbench.Bench.Parallel [-- <embedding width> <layers> <feed-forward width>]
// On a GPU build (-p:LlamaBackend=Cuda12), WORKBENCH_BENCH_GPU_LAYERS=99 offloads the layers, for both sides.
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Workbench.Core.DemoModel;
using Workbench.Core.Protocol;
using Workbench.Worker.Hosting;
using Workbench.Worker.Runtime;

var width = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2048;
var layers = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 16;
var feedForward = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 4 * width;
const int Tokens = 64;
var gpuLayers = int.TryParse(Environment.GetEnvironmentVariable("WORKBENCH_BENCH_GPU_LAYERS"), CultureInfo.InvariantCulture, out var layersOnGpu) ? layersOnGpu : 0;
var folder = Directory.CreateTempSubdirectory("workbench-bench-parallel-");
try
{
    var path = Path.Combine(folder.FullName, "bench.gguf");
    DemoModelGenerator.Write(path, new DemoModelOptions
    {
        EmbeddingLength = width,
        LayerCount = layers,
        HeadCount = width / 64,
        HeadCountKv = Math.Max(1, width / 256),
        FeedForwardLength = feedForward,
        ContextLength = 4096,
        WeightType = Workbench.Core.Gguf.GgmlType.Q8_0,
    });
    Console.WriteLine($"model: n_embd {width}, {layers} layers, n_ff {feedForward}, Q8_0, {new FileInfo(path).Length / 1e9:F2} GB; {PhysicalCores.Count} physical cores");

    await using var runtime = new ModelRuntime(
        new NativeBackend(NullLogger<NativeBackend>.Instance),
        Options.Create(new WorkerOptions { HubUrl = "http://127.0.0.1/hubs/worker" }),
        TimeProvider.System,
        NullLogger<ModelRuntime>.Instance);
    var loaded = await runtime.LoadAsync(new ModelLoadRequest(path, 512, GpuLayers: gpuLayers, ParallelSequences: 8), null, CancellationToken.None);
    if (!loaded.Succeeded)
    {
        Console.WriteLine(loaded.Error);
        return 1;
    }

    Console.WriteLine($"loaded with {loaded.ParallelSequences} slots of {loaded.ContextSize} tokens, {loaded.Threads} threads, {loaded.GpuLayers} layers on a GPU");
    await RunAsync(1, 8); // warm-up

    // Rounds interleave the stream counts, so a busy moment on the machine hits all of them alike; medians are printed.
    const int Rounds = 3;
    int[] counts = [1, 2, 4, 8];
    var rates = counts.ToDictionary(c => c, _ => new List<double>());
    var alone = new List<double>();
    var decodeOnly = new Dictionary<int, (double Ours, double Theirs)>();
    var underLoad = new List<double>();
    for (var round = 0; round < Rounds; round++)
    {
        foreach (var streams in counts)
        {
            rates[streams].Add(await AggregateAsync(streams));
        }

        alone.Add(await FirstTokenAsync());
        // "While 3 long answers stream": the short request arrives once all three are past their prompts and streaming.
        using var streaming = new CountdownEvent(3);
        var longOnes = Enumerable.Range(0, 3).Select(i => RunAsync(i + 10, 200, () => streaming.Signal())).ToList();
        await Task.Run(() => streaming.Wait());
        underLoad.Add(await FirstTokenAsync());
        await Task.WhenAll(longOnes);
    }

    await CompareWithLlamaCppAsync();
    await CompareBatchingWithLlamaCppAsync();
    var single = Median(rates[1]);
    foreach (var streams in counts)
    {
        Console.WriteLine($"{streams} stream(s): {Median(rates[streams]),7:F1} tokens/s in all   {Median(rates[streams]) / single:F2}× one stream");
    }

    Console.WriteLine($"short request, first token: {Median(alone):F0} ms alone, {Median(underLoad):F0} ms beside 3 long answers   {Median(underLoad) / Median(alone):F2}×");
    return 0;

    static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    async Task CompareWithLlamaCppAsync()
    {
        var baseline = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "llamacpp-baseline");
        if (!Directory.Exists(Path.Combine(baseline, "node_modules", "node-llama-cpp")))
        {
            Console.WriteLine("raw llama.cpp baseline skipped: run `npm ci` in bench/llamacpp-baseline first");
            return;
        }

        var ours = new List<double>();
        var theirs = new List<double>();
        for (var round = 0; round < Rounds; round++)
        {
            GenerationCompletion? done = null;
            await foreach (var chunk in runtime.GenerateAsync(Request(round + 50, 128), CancellationToken.None))
            {
                done = chunk.Completion ?? done;
            }

            ours.Add(done!.TokensPerSecond);
            theirs.Add(await RawLlamaCppAsync(baseline, "decode.mjs", path, Text(loaded.Threads), Text(128), Text(gpuLayers)));
        }

        Console.WriteLine($"single stream decode: {Median(ours):F1} tokens/s here, {Median(theirs):F1} raw llama.cpp ({loaded.Threads} threads)   {Median(ours) / Median(theirs):F2}×");
    }

    // Decoding alone (clock started once every stream has its first token), ours and raw llama.cpp's own batching of
    // sequences on the same file and threads: whether several streams gain over one is a property of the machine
    // (a CPU whose decode is compute-bound gains nothing), and this shows it for both.
    async Task CompareBatchingWithLlamaCppAsync()
    {
        var baseline = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "llamacpp-baseline");
        if (!File.Exists(Path.Combine(baseline, "parallel.mjs")) || !Directory.Exists(Path.Combine(baseline, "node_modules", "node-llama-cpp")))
        {
            return;
        }

        foreach (var streams in (int[])[1, 4])
        {
            var ours = new List<double>();
            var theirs = new List<double>();
            for (var round = 0; round < Rounds; round++)
            {
                ours.Add(await DecodeOnlyAsync(streams, Tokens));
                theirs.Add(await RawLlamaCppAsync(baseline, "parallel.mjs", path, Text(loaded.Threads), Text(streams), Text(Tokens), Text(gpuLayers)));
            }

            decodeOnly[streams] = (Median(ours), Median(theirs));
        }

        var (ours1, theirs1) = decodeOnly[1];
        var (ours4, theirs4) = decodeOnly[4];
        Console.WriteLine($"decoding only, 4 streams vs 1: {ours4:F1} vs {ours1:F1} tokens/s here ({ours4 / ours1:F2}×), {theirs4:F1} vs {theirs1:F1} raw llama.cpp ({theirs4 / theirs1:F2}×)");
    }

    async Task<double> DecodeOnlyAsync(int streams, int tokens)
    {
        var firsts = 0;
        var allStarted = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var after = await Task.WhenAll(Enumerable.Range(0, streams).Select(async i =>
        {
            var generated = 0;
            await foreach (var chunk in runtime.GenerateAsync(Request(i + 70, tokens), CancellationToken.None))
            {
                if (generated == 0 && chunk.TokenCount > 0 && Interlocked.Increment(ref firsts) == streams)
                {
                    allStarted.TrySetResult(Stopwatch.GetTimestamp());
                }

                generated += chunk.TokenCount;
            }

            return generated - 1;
        }));
        return after.Sum() / Stopwatch.GetElapsedTime(await allStarted.Task).TotalSeconds;
    }

    static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    // Runs one of bench/llamacpp-baseline's scripts (script, model, then its numbers) and reads its tokens/s.
    static async Task<double> RawLlamaCppAsync(string folder, params string[] arguments)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = folder, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var node = Process.Start(start)!;
        var output = await node.StandardOutput.ReadToEndAsync();
        await node.WaitForExitAsync();
        var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => l.StartsWith('{'));
        return System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("tokensPerSecond").GetDouble();
    }

    async Task<double> AggregateAsync(int streams)
    {
        var clock = Stopwatch.StartNew();
        var counts = await Task.WhenAll(Enumerable.Range(0, streams).Select(i => RunAsync(i + 1, Tokens)));
        return counts.Sum() / clock.Elapsed.TotalSeconds;
    }

    async Task<double> FirstTokenAsync()
    {
        var clock = Stopwatch.StartNew();
        await foreach (var chunk in runtime.GenerateAsync(Request(99, 4), CancellationToken.None))
        {
            if (chunk.TokenCount > 0)
            {
                return clock.Elapsed.TotalMilliseconds;
            }
        }

        return double.NaN;
    }

    async Task<int> RunAsync(int seed, int tokens, Action? firstToken = null)
    {
        var generated = 0;
        await foreach (var chunk in runtime.GenerateAsync(Request(seed, tokens), CancellationToken.None))
        {
            if (generated == 0 && chunk.TokenCount > 0)
            {
                firstToken?.Invoke();
            }

            generated += chunk.TokenCount;
        }

        return generated;
    }

    static GenerationRequest Request(int seed, int tokens) => new(
        Guid.NewGuid(),
        [new ChatTurn("user", "Tell me a story about a lighthouse keeper.")],
        new SamplingSettings { MaxTokens = tokens, Seed = (uint)seed, IgnoreEndOfSequence = true });
}
finally
{
    // WORKBENCH_BENCH_KEEP=1 keeps the generated model, e.g. to run other tools on the same file.
    if (Environment.GetEnvironmentVariable("WORKBENCH_BENCH_KEEP") != "1")
    {
        folder.Delete(recursive: true);
    }
}
