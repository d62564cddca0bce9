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
        _second = new ExtraWorkerProcess(_server.BaseAddress, _server.Services, "second-box");
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
        // The reason stays with the resident model, for the pages and GET /workbench/v1/workers.
        Assert.Equal(placed.Value.Reason, Registry.Holding(Beta).Single().FindResident(Beta)!.Placement);
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

    [Fact]
    public async Task A_pinned_model_moves_to_its_machine_and_the_pin_outlives_the_dashboard()
    {
        await AnswerAsync(Alpha, 4);
        var holder = Registry.Holding(Alpha).Single();
        var other = Registry.Workers.Single(w => w.ConnectionId != holder.ConnectionId);
        var id = _server.Services.GetRequiredService<LibraryIndex>().FindByPath(Alpha)!.Id;
        using var client = _server.CreateClient();

        using var pin = await client.PutAsJsonAsync($"/workbench/v1/models/{id}/pin", new { workerId = other.ConnectionId });
        var answer = await AnswerAsync(Alpha, 4);

        Assert.Equal(System.Net.HttpStatusCode.OK, pin.StatusCode);
        Assert.Equal(GenerationOutcome.Completed, answer.Completion.Outcome);
        Assert.Equal(other.Registration.HostName, Registry.Holding(Alpha).Single().Registration.HostName);
        Assert.Equal($"on {other.Registration.HostName}: pinned there by the owner", Planner.Place(Alpha, 512)!.Value.Reason);
        var listed = await client.GetFromJsonAsync<JsonElement>("/workbench/v1/workers");
        var entry = Assert.Single(listed.EnumerateArray(), w => w.GetProperty("hostName").GetString() == other.Registration.HostName);
        Assert.Equal(Alpha, entry.GetProperty("pinnedModels")[0].GetString());

        // Kept in SQLite: a dashboard starting on the same database reads it back.
        var restarted = new FleetChoices(
            _server.Services.GetRequiredService<Workbench.Web.Data.WorkbenchDatabase>(), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<FleetChoices>.Instance);
        await restarted.StartAsync(CancellationToken.None);
        Assert.Equal(other.Registration.HostName, restarted.PinFor(Alpha));

        using var unpin = await client.DeleteAsync($"/workbench/v1/models/{id}/pin");
        using var unpinAgain = await client.DeleteAsync($"/workbench/v1/models/{id}/pin");
        Assert.Equal(System.Net.HttpStatusCode.NoContent, unpin.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, unpinAgain.StatusCode);
    }

    [Fact]
    public async Task A_machine_named_from_the_dashboard_is_listed_by_that_name()
    {
        using var client = _server.CreateClient();

        using var renamed = await client.PatchAsJsonAsync("/workbench/v1/workers/second-box", new { name = "Laptop upstairs" });
        using var tooLong = await client.PatchAsJsonAsync("/workbench/v1/workers/second-box", new { name = new string('x', 65) });
        using var unknown = await client.PatchAsJsonAsync("/workbench/v1/workers/no-such-box", new { name = "x" });
        var workers = await client.GetFromJsonAsync<JsonElement>("/workbench/v1/workers");

        Assert.Equal(System.Net.HttpStatusCode.NoContent, renamed.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, unknown.StatusCode);
        var second = Assert.Single(workers.EnumerateArray(), w => w.GetProperty("hostName").GetString() == "second-box");
        Assert.Equal("Laptop upstairs", second.GetProperty("name").GetString());
        Assert.False(second.GetProperty("local").GetBoolean());
        Assert.True(Assert.Single(workers.EnumerateArray(), w => w.GetProperty("hostName").GetString() != "second-box").GetProperty("local").GetBoolean());
    }

    [Fact]
    public async Task A_retired_machine_is_sent_away_refused_when_it_returns_and_joins_again_once_restored()
    {
        using var client = _server.CreateClient();
        var local = Registry.Workers.Single(w => w.Registration.HostName != "second-box");

        using var refusedLocal = await client.PostAsync($"/workbench/v1/workers/{local.ConnectionId}/retire", null);
        using var retired = await client.PostAsync("/workbench/v1/workers/second-box/retire", null);
        await _second.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(System.Net.HttpStatusCode.Conflict, refusedLocal.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NoContent, retired.StatusCode);
        Assert.DoesNotContain(Registry.Workers, w => w.Registration.HostName == "second-box");
        Assert.Equal(["second-box"], await client.GetFromJsonAsync<string[]>("/workbench/v1/workers/retired") ?? []);

        await using (var returning = new ExtraWorkerProcess(_server.BaseAddress, _server.Services, "second-box"))
        {
            // Refused at registration, it stops rather than staying connected unregistered.
            await returning.WaitForExitAsync(TimeSpan.FromSeconds(60));
            Assert.DoesNotContain(Registry.Workers, w => w.Registration.HostName == "second-box");
        }

        using var restored = await client.DeleteAsync("/workbench/v1/workers/retired/second-box");
        Assert.Equal(System.Net.HttpStatusCode.NoContent, restored.StatusCode);
        await using var again = new ExtraWorkerProcess(_server.BaseAddress, _server.Services, "second-box");
        await RealWorkerServer.WaitUntilAsync(() => Registry.Workers.Any(w => w.Registration.HostName == "second-box"), "the restored machine to join");
    }

    [Fact]
    public async Task A_model_on_a_machines_own_disk_is_listed_under_it_loads_only_there_and_leaves_with_it()
    {
        var own = Directory.CreateTempSubdirectory("workbench-fleet-own-");
        try
        {
            DemoModelGenerator.Write(Path.Combine(own.FullName, "gamma.gguf"), new DemoModelOptions { Seed = 3 });
            var library = _server.Services.GetRequiredService<LibraryIndex>();
            await using var laptop = new ExtraWorkerProcess(_server.BaseAddress, _server.Services, "laptop", $"--Workbench:Worker:ModelRoots:0={own.FullName}");
            await RealWorkerServer.WaitUntilAsync(() => library.Models.Any(m => m.Machine == "laptop"), "the laptop's model to be listed");
            var gamma = library.Models.Single(m => m.Machine == "laptop");

            var shape = _server.Services.GetRequiredService<EstimationModelSource>().For(gamma);
            var placed = Planner.Place(gamma.PrimaryPath, 512);
            var answer = await AnswerAsync(gamma.PrimaryPath, 8);
            using var client = _server.CreateClient();
            using var elsewhere = await client.PostAsJsonAsync($"/workbench/v1/models/{gamma.Id}/load", new { workerId = "second-box" });

            Assert.Equal(Path.Combine(own.FullName, "gamma.gguf"), gamma.PrimaryPath);
            Assert.NotNull(shape.Model);
            Assert.Equal("laptop", placed!.Value.Worker.Registration.HostName);
            Assert.Equal(GenerationOutcome.Completed, answer.Completion.Outcome);
            Assert.Equal("laptop", Registry.Holding(gamma.PrimaryPath).Single().Registration.HostName);
            Assert.Equal(System.Net.HttpStatusCode.Conflict, elsewhere.StatusCode);

            laptop.Kill();
            await RealWorkerServer.WaitUntilAsync(() => library.Find(gamma.Id) is null, "the laptop's model to leave with it");
        }
        finally
        {
            own.Delete(recursive: true);
        }
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
