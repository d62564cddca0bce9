using Workbench.Core.Telemetry;
using Workbench.Web.Telemetry;
using Workbench.Web.Tests.TestSupport;

namespace Workbench.Web.Tests.Telemetry;

public sealed class WorkerActivityLogTests
{
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public void Spans_are_kept_per_host_and_say_what_the_worker_did_at_each_moment()
    {
        var log = new WorkerActivityLog(_time);
        var t0 = _time.GetUtcNow();

        using (log.Begin("box", WorkerActivity.Loading))
        {
            _time.Advance(TimeSpan.FromSeconds(2));
        }

        _time.Advance(TimeSpan.FromSeconds(1));
        var prompt = log.Begin("box", WorkerActivity.Prompt);
        _time.Advance(TimeSpan.FromSeconds(1));
        prompt.Dispose();
        prompt.Dispose();
        using var generating = log.Begin("box", WorkerActivity.Generating);
        using var elsewhere = log.Begin("other", WorkerActivity.Loading);

        var spans = log.Since("box", t0);

        Assert.Equal([WorkerActivity.Loading, WorkerActivity.Prompt, WorkerActivity.Generating], spans.Select(s => s.Activity));
        Assert.Equal(WorkerActivity.Loading, WorkerActivityLog.At(spans, t0.AddSeconds(1)));
        Assert.Equal(WorkerActivity.Idle, WorkerActivityLog.At(spans, t0.AddSeconds(2.5)));
        Assert.Equal(WorkerActivity.Prompt, WorkerActivityLog.At(spans, t0.AddSeconds(3.5)));
        Assert.Equal(WorkerActivity.Generating, WorkerActivityLog.At(spans, _time.GetUtcNow()));
        Assert.Null(spans[^1].End);
    }

    [Fact]
    public void The_log_stays_bounded()
    {
        var log = new WorkerActivityLog(_time);

        for (var i = 0; i < WorkerActivityLog.Capacity + 50; i++)
        {
            log.Begin("box", WorkerActivity.Generating).Dispose();
        }

        Assert.Equal(WorkerActivityLog.Capacity, log.Since("box", DateTimeOffset.MinValue).Count);
    }

    [Fact]
    public void The_cpu_chart_marks_the_activity_on_the_same_time_axis()
    {
        var log = new WorkerActivityLog(_time);
        var samples = new List<TelemetrySample>();
        void Sample() => samples.Add(new TelemetrySample(_time.GetUtcNow(), [], 10, null, null, null));

        Sample();
        _time.Advance(TimeSpan.FromSeconds(1));
        using (log.Begin("box", WorkerActivity.Prompt))
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            Sample();
        }

        _time.Advance(TimeSpan.FromSeconds(1));
        using (log.Begin("box", WorkerActivity.Generating))
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            Sample();
        }

        var charts = TelemetryChartSet.From(samples, activity: log.Since("box", DateTimeOffset.MinValue));

        // One series per state, named for it: loading, prompt, generating.
        Assert.Equal(["CPU %", "Worker loading a model", "Worker reading a prompt", "Worker generating"], charts.Cpu.Select(c => c.Name));
        Assert.Equal([0.0, 0.0, 0.0], charts.Cpu[1].Data.Values);
        Assert.Equal([0.0, 75.0, 0.0], charts.Cpu[2].Data.Values);
        Assert.Equal([0.0, 0.0, 100.0], charts.Cpu[3].Data.Values);
    }
}
