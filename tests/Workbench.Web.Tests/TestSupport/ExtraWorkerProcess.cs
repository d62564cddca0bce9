using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Workbench.Web.Security;

namespace Workbench.Web.Tests.TestSupport;

/// <summary>
/// Another real <c>Workbench.Worker</c> process joining a test dashboard the way a worker on a second machine does:
/// the hub URL on its command line, the worker secret in its environment, its own name. Shared with the browser tests.
/// </summary>
public sealed class ExtraWorkerProcess : IAsyncDisposable
{
    private readonly Process _process;

    /// <summary>Starts a worker named <paramref name="name"/> for the dashboard at <paramref name="dashboard"/>, whose services hold its secret.</summary>
    public ExtraWorkerProcess(Uri dashboard, IServiceProvider services, string name, params string[] settings)
    {
        ArgumentNullException.ThrowIfNull(dashboard);
        ArgumentNullException.ThrowIfNull(services);
        Name = name;
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Workbench.Worker.dll"));
        start.ArgumentList.Add($"--Workbench:Worker:HubUrl={new Uri(dashboard, "hubs/worker")}");
        start.ArgumentList.Add($"--Workbench:Worker:Name={name}");
        foreach (var setting in settings)
        {
            start.ArgumentList.Add(setting);
        }

        start.Environment["Workbench__Worker__Secret"] = services.GetRequiredService<WorkerSecret>().Value;
        _process = Process.Start(start) ?? throw new InvalidOperationException("The worker process did not start.");
        // Drained so a chatty worker never blocks on a full pipe.
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The name it registers under.</summary>
    public string Name { get; }

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Waits for the process to end on its own (it was sent away or refused).</summary>
    public Task WaitForExitAsync(TimeSpan timeout) => _process.WaitForExitAsync().WaitAsync(timeout);

    /// <summary>Ends it at once, as a crash or a pulled plug would.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
