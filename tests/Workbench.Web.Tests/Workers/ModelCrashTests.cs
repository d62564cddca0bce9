using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Workbench.Core.DemoModel;
using Workbench.Web.Api.Compat;
using Workbench.Web.Tests.TestSupport;
using Workbench.Web.Workers;

namespace Workbench.Web.Tests.Workers;

/// <summary>
/// A model that takes the worker down, with the real worker process: killed while the model is loaded, as llama.cpp's
/// abort would end it. The crash is put down to the model; after the second, API clients are refused it.
/// </summary>
public sealed class ModelCrashTests : IAsyncLifetime
{
    private readonly DirectoryInfo _models = Directory.CreateTempSubdirectory("workbench-crash-models-");
    private RealWorkerServer _server = null!;

    public Task InitializeAsync()
    {
        DemoModelGenerator.Write(Path.Combine(_models.FullName, "fragile.gguf"));
        _server = new RealWorkerServer(
            "model-crash",
            ("Workbench:ModelRoots:0", _models.FullName),
            ("Workbench:Api:ContextSize", "1024"),
            ("Workbench:Supervisor:RestartDelay", "00:00:00.200"));
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_model_that_crashed_the_worker_twice_is_marked_and_refused_to_api_clients_until_retried()
    {
        var resolver = _server.Services.GetRequiredService<CompatModelResolver>();
        var ledger = _server.Services.GetRequiredService<ModelCrashLedger>();
        var path = Path.Combine(_models.FullName, "fragile.gguf");
        await RealWorkerServer.WaitUntilAsync(() => resolver.Models.Count == 1, "the library scan");

        for (var crash = 1; crash <= ModelCrashLedger.QuarantineAfter; crash++)
        {
            await LoadThenKillWorkerAsync(resolver);
            await RealWorkerServer.WaitUntilAsync(() => ledger.For(path)?.Count == crash, $"crash {crash} to be put down to the model");
        }

        var refused = await Assert.ThrowsAsync<ApiRequestException>(() => resolver.EnsureLoadedAsync("fragile", CancellationToken.None));
        Assert.Equal(409, refused.StatusCode);
        Assert.Contains("crashes llama.cpp: The worker was killed", refused.Message, StringComparison.Ordinal);

        ledger.Retry(path);
        await RealWorkerServer.WaitUntilAsync(() => _server.Services.GetRequiredService<WorkerRegistry>().PickWorker() is not null, "the restarted worker");
        Assert.Equal("fragile", await resolver.EnsureLoadedAsync("fragile", CancellationToken.None));
    }

    private async Task LoadThenKillWorkerAsync(CompatModelResolver resolver)
    {
        var registry = _server.Services.GetRequiredService<WorkerRegistry>();
        var supervisor = _server.Services.GetRequiredService<WorkerSupervisor>();
        // The restarted process, connected: the killed one may linger in the registry until its connection is seen to drop.
        await RealWorkerServer.WaitUntilAsync(
            () => supervisor.Status.ProcessId is { } pid && registry.Workers.Count == 1 && registry.Workers[0].Registration.ProcessId == pid,
            "the local worker to run and connect");
        var processId = supervisor.Status.ProcessId!.Value;
        await resolver.EnsureLoadedAsync("fragile", CancellationToken.None);
        using var worker = Process.GetProcessById(processId);
        worker.Kill();
        await worker.WaitForExitAsync();
        // Until its connection is seen to drop, the registry still lists the dead process with the model resident, and a
        // resident model is served even when quarantined: the refusal is asked for once it is gone.
        await RealWorkerServer.WaitUntilAsync(() => registry.Workers.All(w => w.Registration.ProcessId != processId), "the killed worker's connection to drop");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _models.Delete(recursive: true);
    }
}

/// <summary>The ledger's own rules.</summary>
public sealed class ModelCrashLedgerTests
{
    [Fact]
    public void One_crash_marks_a_model_and_the_second_refuses_it_until_a_retry()
    {
        var ledger = new ModelCrashLedger();

        ledger.RecordCrash("/m/a.gguf", "The worker aborted (exit code 134, SIGABRT).");
        Assert.False(ledger.IsQuarantined("/m/a.gguf"));
        ledger.RecordCrash("/m/a.gguf", "The worker aborted (exit code 134, SIGABRT).");

        Assert.True(ledger.IsQuarantined("/m/a.gguf"));
        Assert.Equal("crashes llama.cpp: The worker aborted (exit code 134, SIGABRT).", ledger.For("/m/a.gguf")!.Label);
        Assert.False(ledger.IsQuarantined("/m/b.gguf"));

        ledger.Retry("/m/a.gguf");
        Assert.Null(ledger.For("/m/a.gguf"));
    }
}
