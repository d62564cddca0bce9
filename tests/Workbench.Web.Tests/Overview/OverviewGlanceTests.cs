using Workbench.Core.Estimation;
using Workbench.Core.Library;
using Workbench.Core.Telemetry;
using Workbench.Web.Overview;

namespace Workbench.Web.Tests.Overview;

public sealed class OverviewGlanceTests
{
    [Fact]
    public void A_machine_shows_each_gpus_memory_ram_and_cpu_in_gib()
    {
        var sample = new TelemetrySample(
            DateTimeOffset.UnixEpoch,
            [new GpuTelemetry(1, "RTX 4090", 6L << 30, 24L << 30, 37, 61, 120), new GpuTelemetry(0, null, null, 8L << 30, null, null, null)],
            12.5,
            64L << 30,
            48L << 30,
            null);

        var glance = MachineGlance.From("box", sample);

        Assert.Equal(["GPU 0", "RTX 4090"], glance.Gpus.Select(g => g.Name));
        Assert.Equal("6.0 / 24.0 GiB", glance.Gpus[1].Vram.Label);
        Assert.Equal(25, glance.Gpus[1].Vram.Percent);
        Assert.Equal("? / 8.0 GiB", glance.Gpus[0].Vram.Label);
        Assert.Equal(0, glance.Gpus[0].Vram.Percent);
        Assert.Equal("16.0 / 64.0 GiB", glance.Ram.Label);
        Assert.Equal(12.5, glance.CpuPercent);
    }

    [Fact]
    public void The_library_counts_what_fits_fully_what_runs_on_the_cpu_and_what_could_not_be_read()
    {
        var fits = Model("a");
        var cpu = Model("b");
        var tooBig = Model("c");
        var broken = Model("d") with { Error = "not a GGUF file" };
        var verdicts = new Dictionary<string, FitKind> { ["a"] = FitKind.FitsFully, ["b"] = FitKind.CpuOnly, ["c"] = FitKind.DoesNotFit };

        var glance = LibraryGlance.From([fits, cpu, tooBig, broken], m => new FitVerdict(verdicts[m.Name], "why", []));

        Assert.Equal(new LibraryGlance(4, 1, 1, 1), glance);
        Assert.Equal("4 models · 1 fits the GPU fully · 1 runs on the CPU · 1 unreadable", glance.Summary);
    }

    [Fact]
    public void An_empty_library_says_so()
    {
        Assert.Equal("No models yet", LibraryGlance.From([], _ => null).Summary);
    }

    private static ModelDescriptor Model(string name) => new()
    {
        Id = name,
        Name = name,
        Format = ModelFormat.Gguf,
        PrimaryPath = $"/models/{name}.gguf",
        Source = ModelSource.ModelRoot,
        SourceRoot = "/models",
    };
}
