using Workbench.Core.Hardware;

namespace Workbench.Core.Tests.Hardware;

public sealed class CpuTimesTests
{
    [Fact]
    public void Idle_and_iowait_are_idle_the_rest_is_busy_and_guest_time_is_not_counted_twice()
    {
        var times = CpuTimes.ParseProcStat("cpu  10 20 30 400 50 6 7 8 90 100\ncpu0 1 2 3 4 5 6 7 8 9 10\nintr 1\n");

        Assert.Equal(new CpuTimes(Busy: 10 + 20 + 30 + 6 + 7 + 8, Total: 10 + 20 + 30 + 400 + 50 + 6 + 7 + 8), times);
    }

    [Fact]
    public void Utilization_is_the_busy_share_of_the_ticks_in_between()
    {
        var earlier = new CpuTimes(Busy: 1000, Total: 5000);
        var later = new CpuTimes(Busy: 1250, Total: 6000);

        Assert.Equal(25.0, later.UtilizationPercentSince(earlier));
    }

    [Fact]
    public void No_ticks_in_between_gives_no_utilization()
    {
        var times = new CpuTimes(Busy: 1, Total: 2);

        Assert.Null(times.UtilizationPercentSince(times));
    }

    [Theory]
    [InlineData("")]
    [InlineData("intr 1 2 3\n")]
    [InlineData("cpu  1 2\n")]
    [InlineData("cpu  1 2 x 4\n")]
    public void Missing_or_malformed_cpu_lines_give_null(string text)
    {
        Assert.Null(CpuTimes.ParseProcStat(text));
    }
}
