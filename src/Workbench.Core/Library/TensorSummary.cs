namespace Workbench.Core.Library;

/// <summary>One stored tensor, as a memory estimator needs it.</summary>
/// <param name="Name">Tensor name as stored ("blk.0.attn_q.weight", "model.layers.0.self_attn.q_proj.qweight").</param>
/// <param name="DType">Storage type: a ggml type for GGUF ("Q4_K", "F16"), a safetensors dtype otherwise ("BF16", "I32").</param>
/// <param name="ElementCount">Stored elements (for packed GPTQ/AWQ/EXL2 tensors: int32 words, not weights).</param>
/// <param name="ByteSize">Exact size of the tensor's data in bytes.</param>
public sealed record TensorSummary(string Name, string DType, long ElementCount, long ByteSize);
