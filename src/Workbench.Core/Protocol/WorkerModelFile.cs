using Workbench.Core.Estimation;
using Workbench.Core.Library;

namespace Workbench.Core.Protocol;

/// <summary>
/// A model on a worker machine's own disk, as that worker read it: what the library shows and, for GGUF, the shape
/// the estimator works on (the dashboard cannot open the file).
/// </summary>
/// <param name="Model">The library entry (its path is the path on the worker's machine).</param>
/// <param name="Estimation">The estimation model read from its header; null when it could not be read.</param>
public sealed record WorkerModelFile(ModelDescriptor Model, EstimationModel? Estimation);
