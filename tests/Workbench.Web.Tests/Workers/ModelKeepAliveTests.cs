using Workbench.Core.Protocol;
using Workbench.Web.Workers;

namespace Workbench.Web.Tests.Workers;

public sealed class ModelKeepAliveTests
{
    private static readonly DateTimeOffset IdleSince = new(2026, 11, 28, 2, 0, 0, TimeSpan.Zero);
    private static readonly ModelLoadResult Loaded = new(true, null, "/models/a.gguf", 2048, 1, 1, 1);

    private static ConnectedWorker Worker(ModelLoadResult? loaded = null, bool busy = false, LoadProgress? loading = null) =>
        new("c1", new WorkerRegistration("w", "host", 1, "Cpu", "1.0", null), IdleSince, loaded, loading, null, busy, IdleSince);

    [Fact]
    public void An_idle_loaded_model_is_due_keep_alive_after_its_last_use() =>
        Assert.Equal(IdleSince.AddMinutes(15), ModelKeepAlive.UnloadTime(Worker(Loaded), TimeSpan.FromMinutes(15)));

    [Fact]
    public void Zero_keeps_the_model_loaded() =>
        Assert.Null(ModelKeepAlive.UnloadTime(Worker(Loaded), TimeSpan.Zero));

    [Fact]
    public void A_busy_worker_is_never_due() =>
        Assert.Null(ModelKeepAlive.UnloadTime(Worker(Loaded, busy: true), TimeSpan.FromMinutes(15)));

    [Fact]
    public void A_worker_without_a_model_or_in_the_middle_of_a_load_is_never_due()
    {
        Assert.Null(ModelKeepAlive.UnloadTime(Worker(), TimeSpan.FromMinutes(15)));
        Assert.Null(ModelKeepAlive.UnloadTime(Worker(Loaded, loading: new LoadProgress("/models/b.gguf", 0.5f)), TimeSpan.FromMinutes(15)));
    }

    [Theory]
    [InlineData(0, "0:00")]
    [InlineData(-5, "0:00")]
    [InlineData(0.2, "0:01")]
    [InlineData(845, "14:05")]
    [InlineData(3720, "1:02:00")]
    public void The_countdown_reads_as_minutes_and_seconds(double seconds, string expected) =>
        Assert.Equal(expected, KeepAliveCountdown.Format(TimeSpan.FromSeconds(seconds)));
}
