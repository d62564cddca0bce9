using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Workbench.Web.Workers;

/// <summary>Builds the command line that starts the local worker: <c>dotnet Workbench.Worker.dll --Workbench:Worker:HubUrl=…</c>.</summary>
internal static class WorkerLaunchCommand
{
    private const string WorkerAssemblyName = "Workbench.Worker.dll";

    /// <summary>The start info for a worker that connects to <paramref name="hubUrl"/> and watches this process.</summary>
    public static ProcessStartInfo Create(WorkerSupervisorOptions options, Uri hubUrl, string secret, RuntimeOptions? runtime = null)
    {
        var assembly = ResolveWorkerAssembly(options);
        var start = new ProcessStartInfo(ResolveDotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
        };
        start.ArgumentList.Add(assembly);
        start.ArgumentList.Add($"--Workbench:Worker:HubUrl={hubUrl}");
        start.ArgumentList.Add($"--Workbench:Worker:ParentProcessId={Environment.ProcessId}");
        // In the environment, not the command line, which every user of the machine can read.
        start.Environment["Workbench__Worker__Secret"] = secret;
        if (options.WorkerTelemetryIntervalMs is { } interval)
        {
            start.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"--Workbench:Worker:TelemetryIntervalMs={interval}"));
        }

        // The threads are the worker's own setting (each machine knows its cores); the local one takes the dashboard's.
        if (runtime?.Threads is { } threads)
        {
            start.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"--Workbench:Runtime:Threads={threads}"));
        }

        if (runtime?.BatchThreads is { } batchThreads)
        {
            start.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"--Workbench:Runtime:BatchThreads={batchThreads}"));
        }

        return start;
    }

    /// <summary>The worker assembly: configured, else beside the web host (the web project references the worker).</summary>
    public static string ResolveWorkerAssembly(WorkerSupervisorOptions options)
    {
        var path = string.IsNullOrWhiteSpace(options.WorkerAssemblyPath)
            ? Path.Combine(AppContext.BaseDirectory, WorkerAssemblyName)
            : Path.GetFullPath(options.WorkerAssemblyPath);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException(
                $"The worker program was not found at {path}. Build the solution, or set Workbench:Supervisor:WorkerAssemblyPath.", path);
    }

    /// <summary>The <c>dotnet</c> host running this process, so the worker uses the same runtime.</summary>
    public static string ResolveDotnetHost()
    {
        var executable = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "dotnet.exe" : "dotnet";
        if (Environment.ProcessPath is { } current && Path.GetFileName(current) == executable)
        {
            return current;
        }

        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }

        // <root>/shared/Microsoft.NETCore.App/<version>/ → <root>/dotnet
        var besideRuntime = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", executable));
        return File.Exists(besideRuntime) ? besideRuntime : executable;
    }
}
