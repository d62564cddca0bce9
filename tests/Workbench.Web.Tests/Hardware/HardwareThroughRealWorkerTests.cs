using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Workbench.Web.Telemetry;
using Workbench.Web.Tests.TestSupport;
using Workbench.Web.Workers;

namespace Workbench.Web.Tests.Hardware;

/// <summary>The real worker child process reports its hardware and telemetry through the real hub.</summary>
public sealed class HardwareThroughRealWorkerTests : IAsyncLifetime
{
    private readonly RealWorkerServer _server = new("hardware");

    public Task InitializeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_worker_reports_its_hardware_after_registering()
    {
        var registry = _server.Services.GetRequiredService<WorkerRegistry>();
        await RealWorkerServer.WaitUntilAsync(() => registry.Workers.Any(w => w.Hardware is not null), "the worker's hardware");

        var hardware = registry.Workers.First(w => w.Hardware is not null).Hardware!;
        Assert.True(hardware.Cpu.LogicalProcessors >= 1);
        Assert.True(hardware.Memory.TotalBytes > 0);
        Assert.NotEmpty(hardware.Disks);
        if (hardware.Gpus.Count == 0)
        {
            Assert.False(string.IsNullOrEmpty(hardware.GpuUnavailableReason));
        }
    }

    [Fact]
    public async Task The_hardware_api_lists_each_worker_with_its_snapshot_and_tier_advice()
    {
        var registry = _server.Services.GetRequiredService<WorkerRegistry>();
        await RealWorkerServer.WaitUntilAsync(() => registry.Workers.Any(w => w.Hardware is not null), "the worker's hardware");
        using var client = _server.CreateClient();

        using var json = JsonDocument.Parse(await client.GetStringAsync(new Uri("/workbench/v1/hardware", UriKind.Relative)));

        var worker = json.RootElement[0];
        Assert.True(worker.GetProperty("hardware").GetProperty("cpu").GetProperty("logicalProcessors").GetInt32() >= 1);
        Assert.True(worker.GetProperty("hardware").GetProperty("memory").GetProperty("totalBytes").GetInt64() > 0);
        Assert.False(string.IsNullOrEmpty(worker.GetProperty("advice").GetProperty("advice").GetString()));
        if (worker.GetProperty("hardware").GetProperty("gpus").GetArrayLength() == 0)
        {
            Assert.Equal("Minimal", worker.GetProperty("advice").GetProperty("tier").GetString());
        }
    }

    [Fact]
    public async Task Telemetry_samples_accumulate_and_the_api_returns_those_since_a_time()
    {
        var store = _server.Services.GetRequiredService<TelemetryStore>();
        var started = DateTimeOffset.UtcNow.AddMinutes(-5);
        await RealWorkerServer.WaitUntilAsync(() => store.Hosts.Count > 0 && store.Since(store.Hosts[0], started).Count >= 3, "three telemetry samples");
        using var client = _server.CreateClient();

        var since = Uri.EscapeDataString(started.ToString("O"));
        using var json = JsonDocument.Parse(await client.GetStringAsync(new Uri($"/workbench/v1/telemetry?since={since}", UriKind.Relative)));

        var host = json.RootElement[0];
        var samples = host.GetProperty("samples");
        Assert.True(samples.GetArrayLength() >= 3);
        Assert.True(samples[samples.GetArrayLength() - 1].GetProperty("ramTotalBytes").GetInt64() > 0);
        var latest = store.Latest(store.Hosts[0])!;
        Assert.True(latest.RamUsedBytes > 0);
        Assert.NotNull(latest.CpuUtilizationPercent);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();
}
