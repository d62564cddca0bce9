using Workbench.Worker.Runtime;

namespace Workbench.Worker.Tests.Runtime;

public sealed class LlamaBufferLogTests
{
    [Fact]
    public void Buffer_lines_are_summed_by_kind_and_gpu_devices_counted_apart()
    {
        var log = new LlamaBufferLog();

        log.Add("load_tensors:   CPU_Mapped model buffer size =    85.08 MiB\n");
        log.Add("load_tensors:        CUDA0 model buffer size =  4096.00 MiB\n");
        log.Add("llama_kv_cache:      CUDA0 KV buffer size =  1024.00 MiB\n");
        log.Add("llama_context:  CUDA_Host  output buffer size =     0.49 MiB\n");
        log.Add("sched_reserve:      CUDA0 compute buffer size =   258.50 MiB\n");
        log.Add("sched_reserve:  CUDA_Host compute buffer size =    16.01 MiB\n");
        log.Add("llama_model_loader: - kv  0: general.architecture str = llama\n");

        var buffers = log.Result();

        const double MiB = 1024 * 1024;
        Assert.NotNull(buffers);
        Assert.Equal((long)((85.08 + 4096) * MiB), buffers.ModelBytes);
        Assert.Equal((long)(1024 * MiB), buffers.KvCacheBytes);
        Assert.Equal((long)((258.50 + 16.01) * MiB), buffers.ComputeBytes);
        Assert.Equal((long)(0.49 * MiB), buffers.OutputBytes);
        // CUDA_Host is pinned system memory, not the GPU's: only CUDA0 lines count as GPU.
        Assert.Equal((long)((4096 + 1024 + 258.50) * MiB), buffers.GpuBytes);
    }

    [Fact]
    public void Without_buffer_lines_there_is_no_measurement() =>
        Assert.Null(new LlamaBufferLog().Result());
}
