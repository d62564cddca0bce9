// Streams chat completions through the OpenAI SDK against the dashboard's /v1 (real Kestrel, hub and worker child
// process) and compares, for each request, the tokens/s the SDK received with the tokens/s the worker generated
// (from the worker's own completion, as recorded in the API request log). Prints both and their ratio.
using System.ClientModel;
using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
using OpenAI.Chat;
using Workbench.Web.Api.Compat;
using Workbench.Web.Library;
using Workbench.Web.Workers;

#pragma warning disable OPENAI001 // Seed is marked experimental in the SDK.

/// <summary>Benchmark entry point (a named class: the web host's <c>Program</c> is referenced too).</summary>
internal static class ApiBenchmark
{
    private static async Task Main()
    {
        const int Rounds = 5;
        const int Tokens = 1000;
        // Outside a test project, tell the factory where the web project lives.
        var repository = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(repository.FullName, "Workbench.sln")))
        {
            repository = repository.Parent ?? throw new InvalidOperationException("Run the benchmark from inside the repository.");
        }

        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_WORKBENCH_WEB", Path.Combine(repository.FullName, "src", "Workbench.Web"));
        var data = Directory.CreateTempSubdirectory("workbench-bench-api-");
        try
        {
            await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
            {
                b.UseSetting("Workbench:DataDirectory", data.FullName);
                b.UseSetting("Workbench:DiscoverKnownStores", "false");
                b.UseSetting("Workbench:Api:ContextSize", "2048");
                b.UseSetting("Logging:LogLevel:Default", "Warning");
            });
            factory.UseKestrel(0);
            factory.StartServer();
            using var probe = factory.CreateClient();
            var registry = factory.Services.GetRequiredService<WorkerRegistry>();
            var models = factory.Services.GetRequiredService<CompatModelResolver>();
            while (registry.Workers.Count == 0 || models.Models.Count == 0)
            {
                await Task.Delay(50);
            }

            var key = await factory.Services.GetRequiredService<ApiKeyStore>().CreateAsync("bench");
            var model = Path.GetFileNameWithoutExtension(factory.Services.GetRequiredService<DemoModelProvisioner>().DemoModelPath);
            var chat = new OpenAIClient(new ApiKeyCredential(key.Secret), new OpenAIClientOptions { Endpoint = new Uri(probe.BaseAddress!, "v1") })
                .GetChatClient(model);
            var log = factory.Services.GetRequiredService<ApiRequestLog>();

            var received = new List<double>();
            var inWorker = new List<double>();
            for (var round = 0; round <= Rounds; round++)
            {
                var options = new ChatCompletionOptions { MaxOutputTokenCount = Tokens, Seed = 5 };
                var client = await MeasureAsync(chat.CompleteChatStreamingAsync([new UserChatMessage("Benchmark me")], options));
                var worker = log.Recent[0];
                if (worker.CompletionTokens != client.Tokens)
                {
                    throw new InvalidOperationException($"The SDK counted {client.Tokens} tokens, the worker {worker.CompletionTokens}.");
                }

                if (round > 0)
                {
                    // Round 0 loads the model and warms both paths up.
                    received.Add(client.TokensPerSecond);
                    inWorker.Add(worker.TokensPerSecond);
                }
            }

            var workerRate = Median(inWorker);
            var clientRate = Median(received);
            Console.WriteLine($"model: {model}, {Tokens} tokens per request, median of {Rounds} rounds");
            Console.WriteLine($"inside the worker          : {workerRate,8:F1} tokens/s");
            Console.WriteLine($"received by the OpenAI SDK : {clientRate,8:F1} tokens/s");
            Console.WriteLine($"ratio SDK / worker         : {clientRate / workerRate:F3} (goal >= 0.97)");
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    /// <summary>Tokens/s between the first and the last content the SDK handed over, with the usage count of tokens.</summary>
    private static async Task<Received> MeasureAsync(AsyncCollectionResult<StreamingChatCompletionUpdate> updates)
    {
        var clock = Stopwatch.StartNew();
        double first = 0;
        double last = 0;
        var tokens = 0;
        await foreach (var update in updates)
        {
            if (update.ContentUpdate.Any(part => part.Text.Length > 0))
            {
                last = clock.Elapsed.TotalMilliseconds;
                first = first == 0 ? last : first;
            }

            tokens = update.Usage?.OutputTokenCount ?? tokens;
        }

        return new Received(tokens, (tokens - 1) / ((last - first) / 1000.0));
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}

internal sealed record Received(int Tokens, double TokensPerSecond);
