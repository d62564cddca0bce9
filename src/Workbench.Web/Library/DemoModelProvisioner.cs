using Microsoft.Extensions.Options;
using Workbench.Core.DemoModel;
using Workbench.Web.Hosting;

namespace Workbench.Web.Library;

/// <summary>
/// On first run with no models anywhere, writes a tiny random-weights model into the data folder
/// so chat works with no download. Its answers are gibberish; the machinery is real.
/// </summary>
public sealed partial class DemoModelProvisioner(
    IOptions<WorkbenchOptions> options,
    LocalModelFiles models,
    ILogger<DemoModelProvisioner> logger) : IHostedService
{
    /// <summary>File name of the generated demo model.</summary>
    public const string FileName = "workbench-demo.gguf";

    /// <summary>Where the demo model lives.</summary>
    public string DemoModelPath => Path.Combine(options.Value.GeneratedModelsDirectory, FileName);

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => EnsureAsync(cancellationToken);

    /// <summary>Writes the demo model if it is wanted and missing; safe to call more than once.</summary>
    public Task EnsureAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.GenerateDemoModel || File.Exists(DemoModelPath) || models.AnyInModelRoots())
        {
            return Task.CompletedTask;
        }

        try
        {
            Directory.CreateDirectory(options.Value.GeneratedModelsDirectory);
            // Trained context as long as chat's default window, so the demo chats at 4k like a real model would; two
            // heads 32 wide sharing one KV head, so every KV cache type chat offers (q8_0 and q4_0 need whole 32-value
            // blocks per head) loads with it, as with a real model.
            DemoModelGenerator.Write(DemoModelPath, DemoModelOptions.Tiny with
            {
                ContextLength = Workbench.Web.Estimation.LoadPlanner.DefaultContext,
                HeadCount = 2,
                HeadCountKv = 1,
            });
            LogGenerated(logger, DemoModelPath);
        }
        catch (Exception e) when (Workbench.Web.Data.DiskFault.IsDiskFault(e))
        {
            // A full or read-only data folder costs the demo model, not the dashboard.
            LogNotGenerated(logger, DemoModelPath, e.Message);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "No models found; generated a demo model at {Path}")]
    private static partial void LogGenerated(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write the demo model to {Path}: {Reason}")]
    private static partial void LogNotGenerated(ILogger logger, string path, string reason);
}
