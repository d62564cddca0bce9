using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Workbench.Worker.Hosting;
using Workbench.Worker.Runtime;

namespace Workbench.Worker.Tests.Runtime;

/// <summary>The real runtime as a worker makes it, for tests that drive llama.cpp without a dashboard.</summary>
internal static class TestRuntime
{
    /// <summary>A runtime whose llama.cpp log goes to <paramref name="llamaLog"/> (dropped when none is given).</summary>
    public static ModelRuntime Create(ILogger<NativeBackend>? llamaLog = null) => new(
        new NativeBackend(llamaLog ?? NullLogger<NativeBackend>.Instance),
        Options.Create(new WorkerOptions { HubUrl = "http://127.0.0.1/hubs/worker" }),
        TimeProvider.System,
        NullLogger<ModelRuntime>.Instance);
}
