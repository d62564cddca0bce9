// Streams the same request (same model, prompt and seed) twice per round: once straight from the
// worker's ModelRuntime in this process, once through the dashboard's gateway, hub and a real worker
// child process. Prints tokens/s of both and their ratio, and the time-to-first-token overhead.
using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Workbench.Core.Protocol;
using Workbench.Web.Library;
using Workbench.Web.Workers;
using Workbench.Worker.Hosting;
using Workbench.Worker.Runtime;

/// <summary>Benchmark entry point (a named class: the web host's <c>Program</c> is referenced too).</summary>
internal static class ChatBenchmark
{
    private static async Task Main()
    {
        const int Rounds = 5;
        const int Tokens = 256;
        // Outside a test project, tell the factory where the web project lives.
        var repository = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(repository.FullName, "Workbench.sln")))
        {
            repository = repository.Parent ?? throw new InvalidOperationException("Run the benchmark from inside the repository.");
        }

        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_WORKBENCH_WEB", Path.Combine(repository.FullName, "src", "Workbench.Web"));
        var data = Directory.CreateTempSubdirectory("workbench-bench-chat-");
        try
        {
            await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
            {
                b.UseSetting("Workbench:DataDirectory", data.FullName);
                b.UseSetting("Logging:LogLevel:Default", "Warning");
            });
            factory.UseKestrel(0);
            factory.StartServer();
            var registry = factory.Services.GetRequiredService<WorkerRegistry>();
            while (registry.Workers.Count == 0)
            {
                await Task.Delay(50);
            }

            var model = factory.Services.GetRequiredService<DemoModelProvisioner>().DemoModelPath;
            var gateway = factory.Services.GetRequiredService<WorkerGateway>();
            var load = new ModelLoadRequest(model, ContextSize: 1024);
            await gateway.LoadModelAsync(load, CancellationToken.None);
            await using var local = new ModelRuntime(
                new NativeBackend(NullLogger<NativeBackend>.Instance),
                Options.Create(new WorkerOptions { HubUrl = "http://127.0.0.1/hubs/worker" }),
                TimeProvider.System,
                NullLogger<ModelRuntime>.Instance);
            await local.LoadAsync(load, null, CancellationToken.None);

            var inProcess = new List<Run>();
            var throughHub = new List<Run>();
            for (var round = 0; round <= Rounds; round++)
            {
                var request = new GenerationRequest(Guid.NewGuid(), [new ChatTurn("user", "Benchmark me")], new SamplingSettings { MaxTokens = Tokens, Seed = 5 });
                var a = await MeasureAsync(local.GenerateAsync(request, CancellationToken.None));
                var b = await MeasureAsync(gateway.GenerateAsync(request with { RequestId = Guid.NewGuid() }, CancellationToken.None));
                if (round > 0)
                {
                    // Round 0 warms up both paths.
                    inProcess.Add(a);
                    throughHub.Add(b);
                }
            }

            var localRate = Median(inProcess.Select(r => r.TokensPerSecond));
            var hubRate = Median(throughHub.Select(r => r.TokensPerSecond));
            var localFirst = Median(inProcess.Select(r => r.FirstTokenMs));
            var hubFirst = Median(throughHub.Select(r => r.FirstTokenMs));
            Console.WriteLine($"model: {Path.GetFileName(model)}, {Tokens} tokens per run, median of {Rounds} rounds");
            Console.WriteLine($"in-process ModelRuntime : {localRate,8:F1} tokens/s, first token {localFirst,6:F1} ms");
            Console.WriteLine($"through hub (received)  : {hubRate,8:F1} tokens/s, first token {hubFirst,6:F1} ms");
            Console.WriteLine($"ratio hub / in-process  : {hubRate / localRate:F3} (goal >= 0.98)");
            Console.WriteLine($"first-token overhead    : {hubFirst - localFirst:F1} ms (goal < 10 ms)");
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    private static async Task<Run> MeasureAsync(IAsyncEnumerable<GenerationChunk> chunks)
    {
        var clock = Stopwatch.StartNew();
        double first = 0;
        var tokens = 0;
        await foreach (var chunk in chunks)
        {
            if (chunk.TokenCount > 0 && tokens == 0)
            {
                first = clock.Elapsed.TotalMilliseconds;
            }

            tokens += chunk.TokenCount;
        }

        var total = clock.Elapsed.TotalMilliseconds;
        return new Run(first, (tokens - 1) / ((total - first) / 1000.0));
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}

internal sealed record Run(double FirstTokenMs, double TokensPerSecond);
