using Workbench.Core.Protocol;
using Workbench.Web.Workers;

namespace Workbench.Web.Tests.Workers;

public sealed class ModelKeepAliveTests
{
    private static readonly DateTimeOffset IdleSince = new(2026, 11, 28, 2, 0, 0, TimeSpan.Zero);
    private static readonly ModelLoadResult Loaded = new(true, null, "/models/a.gguf", 2048, 1, 1, 1);

    private static ResidentModel Model(int holders = 0, TimeSpan? keepAlive = null) => new(Loaded, IdleSince, holders, KeepAlive: keepAlive);

    [Fact]
    public void An_idle_resident_model_expires_its_keep_alive_after_its_last_use() =>
        Assert.Equal(IdleSince.AddMinutes(15), Model().ExpiresAt(TimeSpan.FromMinutes(15)));

    [Fact]
    public void A_zero_setting_keeps_models_loaded() =>
        Assert.Null(Model().ExpiresAt(TimeSpan.Zero));

    [Fact]
    public void A_model_a_request_holds_never_expires() =>
        Assert.Null(Model(holders: 1).ExpiresAt(TimeSpan.FromMinutes(15)));

    [Fact]
    public void A_requests_keep_alive_overrides_the_setting_zero_meaning_now_and_negative_forever()
    {
        Assert.Equal(IdleSince.AddSeconds(30), Model(keepAlive: TimeSpan.FromSeconds(30)).ExpiresAt(TimeSpan.FromMinutes(15)));
        Assert.Equal(IdleSince, Model(keepAlive: TimeSpan.Zero).ExpiresAt(TimeSpan.FromMinutes(15)));
        Assert.Null(Model(keepAlive: TimeSpan.FromSeconds(-1)).ExpiresAt(TimeSpan.FromMinutes(15)));
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
