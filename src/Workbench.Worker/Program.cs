using Workbench.Worker.Hosting;

namespace Workbench.Worker;

/// <summary>
/// The worker process: connects to the dashboard's hub and runs llama.cpp for it. A named class rather than
/// top-level statements, so it never clashes with the web host's <c>Program</c>, which references this assembly.
/// </summary>
internal static class Program
{
    private static async Task Main(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.Services.AddWorkbenchWorker(builder.Configuration);
        await builder.Build().RunAsync();
    }
}
