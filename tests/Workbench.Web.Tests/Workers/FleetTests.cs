using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Workbench.Core.DemoModel;
using Workbench.Core.Protocol;
using Workbench.Web.Estimation;
using Workbench.Web.Library;
using Workbench.Web.Security;
using Workbench.Web.Tests.TestSupport;
using Workbench.Web.Workers;

namespace Workbench.Web.Tests.Workers;

/// <summary>A dashboard with its local worker and a second real worker process: placement, routing, refusal, loss.</summary>
public sealed class FleetTests : IAsyncLifetime
{
    private readonly DirectoryInfo _models = Directory.CreateTempSubdirectory("workbench-fleet-models-");
    private RealWorkerServer _server = null!;
    private ExtraWorkerProcess _second = null!;

    private WorkerRegistry Registry => _server.Services.GetRequiredService<WorkerRegistry>();

    private WorkerGateway Gateway => _server.Services.GetRequiredService<WorkerGateway>();

    private LoadPlanner Planner => _server.Services.GetRequiredService<LoadPlanner>();

    public async Task InitializeAsync()
    {
        DemoModelGenerator.Write(Path.Combine(_models.FullName, "alpha.gguf"), new DemoModelOptions { Seed = 1 });
        DemoModelGenerator.Write(Path.Combine(_models.FullName, "beta.gguf"), new DemoModelOptions { Seed = 2 });
        _server = new RealWorkerServer("fleet", ("Workbench:ModelRoots:0", _models.FullName));
        await RealWorkerServer.WaitUntilAsync(() => Registry.Workers.Count == 1, "the local worker to connect");
        _second = new ExtraWorkerProcess(_server, "second-box");
        await RealWorkerServer.WaitUntilAsync(() => Registry.Workers.Any(w => w.Registration.HostName == "second-box"), "the second worker to connect");
        var library = _server.Services.GetRequiredService<LibraryIndex>();
        await RealWorkerServer.WaitUntilAsync(() => library.Models.Count(m => m.PrimaryPath.StartsWith(_models.FullName, StringComparison.Ordinal)) == 2, "the models to be indexed");
    }

    private string Alpha => Path.Combine(_models.FullName, "alpha.gguf");

    private string Beta => Path.Combine(_models.FullName, "beta.gguf");

    [Fact]
    public async Task The_workers_api_lists_both_machines_with_their_models_and_slots()
    {
        await AnswerAsync(Alpha, 4);
        using var client = _server.CreateClient();

        var workers = await client.GetFromJsonAsync<JsonElement>("/workbench/v1/workers");

        Assert.Equal(2, workers.GetArrayLength());
        Assert.Contains(workers.EnumerateArray(), w => w.GetProperty("hostName").GetString() == "second-box");
        var holder = Assert.Single(workers.EnumerateArray(), w => w.GetProperty("residentModels").GetArrayLength() == 1);
        Assert.EndsWith("alpha.gguf", holder.GetProperty("residentModels")[0].GetProperty("model").GetString(), StringComparison.Ordinal);
        Assert.True(holder.GetProperty("slots").GetInt32() >= 1);
        Assert.Equal("idle", holder.GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_second_model_goes_to_the_roomier_worker_and_both_answer_at_once()
    {
        await AnswerAsync(Alpha, 4);
        var alphaHost = Registry.Holding(Alpha).Single().Registration.HostName;

        var placed = Planner.Place(Beta, null);
        var answers = await Task.WhenAll(AnswerAsync(Alpha, 60), AnswerAsync(Beta, 60));

        Assert.NotNull(placed);
        Assert.NotEqual(alphaHost, placed.Value.Worker.Registration.HostName);
        Assert.Contains("GiB left", placed.Value.Reason, StringComparison.Ordinal);
        Assert.NotEqual(alphaHost, Registry.Holding(Beta).Single().Registration.HostName);
        Assert.All(answers, a => Assert.Equal(GenerationOutcome.Completed, a.Completion.Outcome));
    }

    [Fact]
    public async Task The_load_api_puts_a_model_on_the_worker_it_names()
    {
        var second = Registry.Workers.Single(w => w.Registration.HostName == "second-box");
        var id = _server.Services.GetRequiredService<LibraryIndex>().FindByPath(Alpha)!.Id;
        using var client = _server.CreateClient();

        using var response = await client.PostAsJsonAsync($"/workbench/v1/models/{id}/load", new { workerId = second.ConnectionId, context = 256 });
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(response.IsSuccessStatusCode, answer.ToString());
        Assert.Equal("second-box", answer.GetProperty("hostName").GetString());
        Assert.Equal(256, answer.GetProperty("contextPerSequence").GetInt32());
        Assert.Equal("second-box", Registry.Holding(Alpha).Single().Registration.HostName);
    }

    [Fact]
    public async Task A_worker_killed_mid_answer_keeps_the_partial_answer_and_the_next_request_is_served_elsewhere()
    {
        var second = Registry.Workers.Single(w => w.Registration.HostName == "second-box");
        Assert.True((await Gateway.LoadModelAsync(new ModelLoadRequest(Alpha, 512), CancellationToken.None, second.ConnectionId)).Succeeded);
        var text = new StringBuilder();
        GenerationCompletion? end = null;

        await foreach (var chunk in Gateway.GenerateAsync(Request(100_000), new ModelLoadRequest(Alpha, 512), CancellationToken.None))
        {
            text.Append(chunk.Text);
            end = chunk.Completion ?? end;
            if (text.Length > 20 && end is null)
            {
                _second.Kill();
            }
        }

        Assert.Equal(GenerationOutcome.Failed, end!.Outcome);
        Assert.True(end.WorkerLost);
        Assert.True(text.Length > 20, "the partial answer is kept");
        await RealWorkerServer.WaitUntilAsync(() => Registry.Workers.Count == 1, "the lost worker to be forgotten");
        var next = await AnswerAsync(Alpha, 8);
        Assert.Equal(GenerationOutcome.Completed, next.Completion.Outcome);
        Assert.NotEqual("second-box", Registry.Holding(Alpha).Single().Registration.HostName);
    }

    [Fact]
    public async Task A_worker_of_another_protocol_version_is_refused_with_both_versions_named()
    {
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(_server.BaseAddress, "hubs/worker"), o => o.Headers[WorkerHubMethods.SecretHeader] = _server.Services.GetRequiredService<WorkerSecret>().Value)
            .Build();
        await connection.StartAsync();

        var refused = await Assert.ThrowsAsync<HubException>(() =>
            connection.InvokeAsync(WorkerHubMethods.Register, new WorkerRegistration("old", "old-box", 1, "Cpu", "0.1", null, ProtocolVersion: 1)));

        Assert.Contains($"protocol {WorkerProtocol.Version}", refused.Message, StringComparison.Ordinal);
        Assert.Contains("speaks 1", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Registry.Workers, w => w.Registration.HostName == "old-box");
    }

    [Fact]
    public async Task A_worker_that_reconnects_still_holding_models_is_emptied()
    {
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(_server.BaseAddress, "hubs/worker"), o => o.Headers[WorkerHubMethods.SecretHeader] = _server.Services.GetRequiredService<WorkerSecret>().Value)
            .Build();
        var emptied = new TaskCompletionSource<string?>();
        connection.On<string?, bool>(nameof(IWorkerClient.UnloadModel), path =>
        {
            emptied.TrySetResult(path);
            return Task.FromResult(true);
        });
        await connection.StartAsync();

        await connection.InvokeAsync(WorkerHubMethods.Register, new WorkerRegistration("back", "back-box", 1, "Cpu", "1", "/models/old.gguf", WorkerProtocol.Version));

        Assert.Null(await emptied.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Empty(Registry.Workers.Single(w => w.Registration.HostName == "back-box").Resident);
    }

    private async Task<(string Text, GenerationCompletion Completion)> AnswerAsync(string model, int tokens)
    {
        var text = new StringBuilder();
        GenerationCompletion? done = null;
        await foreach (var chunk in Gateway.GenerateAsync(Request(tokens), Planner.Plan(model, 512), CancellationToken.None))
        {
            text.Append(chunk.Text);
            done = chunk.Completion ?? done;
        }

        return (text.ToString(), done!);
    }

    private static GenerationRequest Request(int maxTokens) =>
        new(Guid.NewGuid(), [new ChatTurn("user", "Hello")], new SamplingSettings { MaxTokens = maxTokens, Seed = 3, IgnoreEndOfSequence = true });

    public async Task DisposeAsync()
    {
        await _second.DisposeAsync();
        await _server.DisposeAsync();
        _models.Delete(recursive: true);
    }
}
