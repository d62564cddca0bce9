using Microsoft.Extensions.Options;
using Workbench.Core.Protocol;
using Workbench.Worker.Connection;
using Workbench.Worker.Hosting;

namespace Workbench.Worker.Telemetry;

/// <summary>
/// Samples the machine's load every <see cref="WorkerOptions.TelemetryIntervalMs"/> and sends it to the dashboard
/// without waiting; samples taken while disconnected are dropped.
/// </summary>
internal sealed partial class TelemetrySamplingService(
    IOptions<WorkerOptions> options,
    TelemetrySampler sampler,
    WorkerHubLink link,
    TimeProvider time,
    ILogger<TelemetrySamplingService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the start-up path: the first GPU read may load NVML.
        await Task.Yield();
        using var timer = new PeriodicTimer(options.Value.TelemetryInterval, time);
        try
        {
            do
            {
                SampleOnce();
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
            // Normal shutdown.
        }
    }

    private void SampleOnce()
    {
        try
        {
            // Read the CPU even while disconnected, so the first sample after a reconnect covers a known interval.
            var sample = sampler.Sample();
            link.TrySend(WorkerHubMethods.ReportTelemetry, sample);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            LogSampleFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading telemetry failed")]
    private static partial void LogSampleFailed(ILogger logger, Exception exception);
}
