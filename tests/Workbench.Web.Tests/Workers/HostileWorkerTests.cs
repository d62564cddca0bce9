using System.Diagnostics;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Workbench.Core.Protocol;
using Workbench.Core.Telemetry;
using Workbench.Web.Security;
using Workbench.Web.Telemetry;
using Workbench.Web.Tests.TestSupport;
using Workbench.Web.Workers;

namespace Workbench.Web.Tests.Workers;

/// <summary>
/// A worker that holds the secret but sends nonsense, as a fake worker over the real hub on Kestrel: what it reports
/// is bounded and clamped before the dashboard keeps or shows it.
/// </summary>
public sealed class HostileWorkerTests : IAsyncLifetime
{
    private readonly RealWorkerServer _server = new("hostile-worker", ("Workbench:Supervisor:StartLocalWorker", "false"));
    private HubConnection _worker = null!;

    public async Task InitializeAsync()
    {
        var secret = _server.Services.GetRequiredService<WorkerSecret>().Value;
        _worker = new HubConnectionBuilder()
            .WithUrl(new Uri(_server.BaseAddress, WorkerHubMethods.Path), http => http.Headers[WorkerHubMethods.SecretHeader] = secret)
            .Build();
        await _worker.StartAsync();
    }

    [Fact]
    public async Task Registering_thousands_of_host_names_keeps_one_host_per_connection()
    {
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 2000; i++)
        {
            await _worker.InvokeAsync(WorkerHubMethods.Register, Registration($"host-{i}"));
            await _worker.InvokeAsync(WorkerHubMethods.ReportTelemetry, Sample(cpu: 10));
        }

        var registry = _server.Services.GetRequiredService<WorkerRegistry>();
        var telemetry = _server.Services.GetRequiredService<TelemetryStore>();
        var worker = Assert.Single(registry.Workers);
        Assert.Equal("host-1999", worker.Registration.HostName);
        Assert.Equal(["host-1999"], telemetry.Hosts);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Reported_models_are_bounded_and_an_impossible_shape_is_not_kept_for_the_estimator()
    {
        await _worker.InvokeAsync(WorkerHubMethods.Register, Registration("nas"));
        var paths = Enumerable.Range(0, WorkerModels.MaxModelsPerMachine + 20).Select(i => $"/srv/models/m{i}.gguf").ToList();
        await _worker.InvokeAsync(WorkerHubMethods.ReportModelList, paths);
        var shape = new Workbench.Core.Estimation.EstimationModel
        {
            Architecture = "llama",
            LayerCount = -3,
            EmbeddingLength = 4096,
            HeadCountPerLayer = [],
            HeadCountKvPerLayer = [],
            KeyHeadLength = 128,
            ValueHeadLength = 128,
            VocabularySize = 32000,
            LayerWeightBytes = [],
        };
        foreach (var path in paths)
        {
            await _worker.InvokeAsync(WorkerHubMethods.ReportModel, new WorkerModelFile(Model(path), shape));
        }

        await _worker.InvokeAsync(WorkerHubMethods.ReportModel, new WorkerModelFile(Model("relative/evil.gguf"), null));

        var library = _server.Services.GetRequiredService<Workbench.Web.Library.LibraryIndex>();
        Assert.Equal(WorkerModels.MaxModelsPerMachine, library.Models.Count(m => m.Machine == "nas"));
        Assert.DoesNotContain(library.Models, m => m.PrimaryPath == "relative/evil.gguf");
        var first = library.Models.First(m => m.Machine == "nas");
        var estimate = _server.Services.GetRequiredService<Workbench.Web.Estimation.EstimationModelSource>().For(first);
        Assert.Null(estimate.Model);
        Assert.Contains("has not reported this model's shape", estimate.Problem, StringComparison.Ordinal);
    }

    private static Workbench.Core.Library.ModelDescriptor Model(string path) => new()
    {
        Id = "spoofed",
        Name = "m\u202E",
        Format = Workbench.Core.Library.ModelFormat.Gguf,
        PrimaryPath = path,
        Files = [path],
        Source = Workbench.Core.Library.ModelSource.ModelRoot,
        SourceRoot = "/srv/models",
    };

    [Fact]
    public async Task Impossible_readings_are_clamped_or_dropped_and_direction_overrides_stripped()
    {
        await _worker.InvokeAsync(WorkerHubMethods.Register, Registration("evil\u202Egnp.exe" + new string('x', 500)));
        var gpu = new GpuTelemetry(0, "GPU\u2066\u0007", MemoryUsedBytes: -5, MemoryTotalBytes: long.MaxValue, UtilizationPercent: -400, TemperatureCelsius: 9999, PowerDrawWatts: 1e308);
        await _worker.InvokeAsync(WorkerHubMethods.ReportTelemetry, Sample(cpu: -400, gpu) with { RamTotalBytes = -1 });

        var registry = _server.Services.GetRequiredService<WorkerRegistry>();
        var host = Assert.Single(registry.Workers).Registration.HostName;
        var sample = _server.Services.GetRequiredService<TelemetryStore>().Latest(host);

        Assert.StartsWith("evilgnp.exe", host, StringComparison.Ordinal);
        Assert.Equal(WorkerReportText.HostNameLength, host.Length);
        Assert.NotNull(sample);
        Assert.Equal(0, sample.CpuUtilizationPercent);
        Assert.Null(sample.RamTotalBytes);
        var clean = Assert.Single(sample.Gpus);
        Assert.Equal(new GpuTelemetry(0, "GPU", null, null, 0, null, null), clean);
    }

    [Fact]
    public async Task Percentages_above_100_are_clamped_and_a_far_off_clock_is_replaced()
    {
        await _worker.InvokeAsync(WorkerHubMethods.Register, Registration("box"));
        await _worker.InvokeAsync(WorkerHubMethods.ReportTelemetry, Sample(cpu: 250) with { Timestamp = DateTimeOffset.UnixEpoch });

        var sample = _server.Services.GetRequiredService<TelemetryStore>().Latest("box")!;

        Assert.Equal(100, sample.CpuUtilizationPercent);
        Assert.True(DateTimeOffset.UtcNow - sample.Timestamp < TimeSpan.FromMinutes(1));
    }

    private static WorkerRegistration Registration(string host) => new("fake", host, 1, "cpu", "0", null, WorkerProtocol.Version);

    private static TelemetrySample Sample(double cpu, params GpuTelemetry[] gpus) =>
        new(DateTimeOffset.UtcNow, gpus, cpu, 1L << 30, 1L << 29, 1L << 20);

    public async Task DisposeAsync()
    {
        await _worker.DisposeAsync();
        await _server.DisposeAsync();
    }
}
