using Microsoft.Extensions.Logging.Abstractions;
using Workbench.Worker.Runtime;

namespace Workbench.Worker.Tests.Runtime;

public sealed class NativeBackendTests
{
    [Fact]
    public void The_prebuilt_cpu_library_has_no_rpc_backend_and_says_so()
    {
        var backend = new NativeBackend(NullLogger<NativeBackend>.Instance);

        // LLamaSharp's prebuilt CPU libraries are built without GGML_RPC; a worker built against one reports it.
        Assert.Equal("Cpu", backend.BuildBackend);
        Assert.False(backend.SupportsRpc());
    }
}
