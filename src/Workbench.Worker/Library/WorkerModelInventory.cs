using Microsoft.Extensions.Options;
using Workbench.Core.Estimation;
using Workbench.Core.Gguf;
using Workbench.Core.Library;
using Workbench.Core.Protocol;
using Workbench.Worker.Hosting;

namespace Workbench.Worker.Library;

/// <summary>
/// The GGUF models under this worker's own model folders, read by the same Core scanner the dashboard uses, each with
/// the shape the estimator needs: the dashboard cannot open files on this machine.
/// </summary>
internal sealed partial class WorkerModelInventory(IOptions<WorkerOptions> options, ILogger<WorkerModelInventory> logger)
{
    /// <summary>Most models reported: the dashboard keeps no more per worker either.</summary>
    public const int MaxModels = 500;

    private readonly ModelFileScanner _scanner = new(ModelScanOptions.Default);

    /// <summary>Whether any folder is configured.</summary>
    public bool HasRoots => options.Value.ModelRoots.Any(r => !string.IsNullOrWhiteSpace(r));

    /// <summary>Reads every model (only llama.cpp's format: the worker cannot run the others).</summary>
    public IReadOnlyList<WorkerModelFile> Read(CancellationToken cancellationToken)
    {
        var files = new List<WorkerModelFile>();
        foreach (var root in options.Value.ModelRoots.Where(r => !string.IsNullOrWhiteSpace(r)))
        {
            if (!Directory.Exists(root))
            {
                LogMissingRoot(logger, root);
                continue;
            }

            foreach (var model in _scanner.Scan(new ModelStoreRoot(root, ModelSource.ModelRoot), cancellationToken))
            {
                if (model.Format != ModelFormat.Gguf || files.Count >= MaxModels)
                {
                    continue;
                }

                files.Add(new WorkerModelFile(model, model.Error is null ? Shape(model) : null));
            }
        }

        return files;
    }

    private EstimationModel? Shape(ModelDescriptor model)
    {
        try
        {
            return GgufEstimationFiles.Read(model);
        }
        catch (Exception ex) when (ex is GgufFormatException or EstimationModelException or IOException or UnauthorizedAccessException)
        {
            LogShapeFailed(logger, model.PrimaryPath, ex.Message);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model folder {Root} (Workbench:Worker:ModelRoots) does not exist")]
    private static partial void LogMissingRoot(ILogger logger, string root);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the shape of {Path}: {Reason}")]
    private static partial void LogShapeFailed(ILogger logger, string path, string reason);
}
