using Workbench.Worker.Runtime;

namespace Workbench.Worker.Tests.Runtime;

public sealed class PhysicalCoresTests
{
    [Fact]
    public void Hyper_threads_of_one_core_count_once()
    {
        // Two cores with two hyper-threads each, one package.
        string[] cpuinfo =
        [
            "processor\t: 0", "physical id\t: 0", "core id\t\t: 0",
            "processor\t: 1", "physical id\t: 0", "core id\t\t: 1",
            "processor\t: 2", "physical id\t: 0", "core id\t\t: 0",
            "processor\t: 3", "physical id\t: 0", "core id\t\t: 1",
        ];

        Assert.Equal(Math.Min(2, Environment.ProcessorCount), PhysicalCores.FromCpuInfo(cpuinfo));
    }

    [Fact]
    public void The_same_core_id_on_two_packages_is_two_cores()
    {
        string[] cpuinfo = ["physical id\t: 0", "core id\t: 0", "physical id\t: 1", "core id\t: 0"];

        Assert.Equal(Math.Min(2, Environment.ProcessorCount), PhysicalCores.FromCpuInfo(cpuinfo));
    }

    [Fact]
    public void A_listing_without_core_ids_gives_no_answer() =>
        Assert.Null(PhysicalCores.FromCpuInfo(["processor\t: 0", "model name\t: some ARM core"]));

    [Fact]
    public void This_machine_has_at_least_one_core_and_no_more_than_its_logical_processors() =>
        Assert.InRange(PhysicalCores.Count, 1, Environment.ProcessorCount);
}
