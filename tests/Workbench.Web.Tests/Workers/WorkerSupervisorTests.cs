using Workbench.Web.Workers;

namespace Workbench.Web.Tests.Workers;

public sealed class WorkerSupervisorTests
{
    [Theory]
    [InlineData(134, "aborted")]
    [InlineData(137, "out of memory")]
    [InlineData(139, "segmentation fault")]
    [InlineData(3, "code 3")]
    public void Exit_codes_are_explained_in_words(int exitCode, string expected)
    {
        Assert.Contains(expected, WorkerSupervisor.DescribeExit(exitCode), StringComparison.Ordinal);
    }

    [Fact]
    public void The_workers_last_output_line_is_part_of_the_reason()
    {
        var reason = WorkerSupervisor.DescribeExit(134, "GGML_ASSERT(n_dims <= 4) failed");

        Assert.Equal("The worker aborted (exit code 134, SIGABRT). Last output: GGML_ASSERT(n_dims <= 4) failed", reason);
    }

    [Fact]
    public void The_worker_program_is_found_beside_the_web_host()
    {
        var path = WorkerLaunchCommand.ResolveWorkerAssembly(new WorkerSupervisorOptions());

        Assert.True(File.Exists(path));
        Assert.EndsWith("Workbench.Worker.dll", path, StringComparison.Ordinal);
    }

    [Fact]
    public void A_configured_worker_path_that_does_not_exist_is_reported_with_the_setting_to_fix()
    {
        var options = new WorkerSupervisorOptions { WorkerAssemblyPath = "/nowhere/Workbench.Worker.dll" };

        var error = Assert.Throws<FileNotFoundException>(() => WorkerLaunchCommand.ResolveWorkerAssembly(options));

        Assert.Contains("Workbench:Supervisor:WorkerAssemblyPath", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_worker_is_told_the_hub_url_and_the_parent_to_watch_and_gets_the_secret_out_of_sight()
    {
        var start = WorkerLaunchCommand.Create(new WorkerSupervisorOptions(), new Uri("http://127.0.0.1:5080/hubs/worker"), "s3cret-s3cret-s3cret");

        Assert.Equal("s3cret-s3cret-s3cret", start.Environment["Workbench__Worker__Secret"]);
        Assert.DoesNotContain(start.ArgumentList, a => a.Contains("s3cret", StringComparison.Ordinal));
        Assert.Contains("--Workbench:Worker:HubUrl=http://127.0.0.1:5080/hubs/worker", start.ArgumentList);
        Assert.Contains($"--Workbench:Worker:ParentProcessId={Environment.ProcessId}", start.ArgumentList);
        Assert.True(File.Exists(start.FileName) || start.FileName == "dotnet", start.FileName);
    }

    [Fact]
    public void A_configured_telemetry_interval_is_passed_to_the_worker_and_left_out_when_unset()
    {
        var hub = new Uri("http://127.0.0.1:5080/hubs/worker");

        var configured = WorkerLaunchCommand.Create(new WorkerSupervisorOptions { WorkerTelemetryIntervalMs = 250 }, hub, "s3cret-s3cret-s3cret");
        var unset = WorkerLaunchCommand.Create(new WorkerSupervisorOptions(), hub, "s3cret-s3cret-s3cret");

        Assert.Contains("--Workbench:Worker:TelemetryIntervalMs=250", configured.ArgumentList);
        Assert.DoesNotContain(unset.ArgumentList, a => a.StartsWith("--Workbench:Worker:TelemetryIntervalMs", StringComparison.Ordinal));
    }

    [Fact]
    public void The_dashboards_thread_settings_reach_the_local_worker_and_are_left_out_when_unset()
    {
        var hub = new Uri("http://127.0.0.1:5080/hubs/worker");

        var configured = WorkerLaunchCommand.Create(new WorkerSupervisorOptions(), hub, "s3cret-s3cret-s3cret", new RuntimeOptions { Threads = 6, BatchThreads = 12 });
        var unset = WorkerLaunchCommand.Create(new WorkerSupervisorOptions(), hub, "s3cret-s3cret-s3cret", new RuntimeOptions());

        Assert.Contains("--Workbench:Runtime:Threads=6", configured.ArgumentList);
        Assert.Contains("--Workbench:Runtime:BatchThreads=12", configured.ArgumentList);
        Assert.DoesNotContain(unset.ArgumentList, a => a.StartsWith("--Workbench:Runtime:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(99)]
    [InlineData(10_001)]
    public void A_telemetry_interval_outside_100_ms_to_10_s_is_rejected_with_the_setting_to_fix(int interval)
    {
        var result = new WorkerSupervisorOptionsValidator().Validate(null, new WorkerSupervisorOptions { WorkerTelemetryIntervalMs = interval });

        Assert.True(result.Failed);
        Assert.Contains("WorkerTelemetryIntervalMs", result.FailureMessage, StringComparison.Ordinal);
    }
}
