using Workbench.Core.Estimation;
using Workbench.Core.Library;

namespace Workbench.Web.Estimation;

/// <summary>
/// What an estimate is about: a library model's shape stored in one format. Without a quantization asked for it is the
/// model as stored (a GPTQ, AWQ or EXL2 folder by its own label); with one, the same shape re-quantized, so a GGUF
/// model can be judged as its EXL2 or GPTQ version.
/// </summary>
/// <param name="Model">The weights as they would be stored.</param>
/// <param name="Format">Their format, which decides the runtimes that load them.</param>
/// <param name="QuantId">The quantization's API id ("Q4_K_M", "EXL2-4.0" …); the stored label when it is the model as stored.</param>
public sealed record EstimationSubject(EstimationModel Model, QuantizationFormat Format, string QuantId)
{
    /// <summary>The subject for <paramref name="descriptor"/> at <paramref name="quant"/> (null: as stored).</summary>
    /// <exception cref="ArgumentException"><paramref name="quant"/> names no quantization of the catalog.</exception>
    public static EstimationSubject For(ModelDescriptor descriptor, EstimationModel model, string? quant)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(model);
        if (quant is not null)
        {
            var option = QuantizationCatalog.Find(model, quant);
            return new EstimationSubject(option.Model, option.Format, QuantizationCatalog.IdOf(option));
        }

        if (descriptor.Format == ModelFormat.Gguf)
        {
            return new EstimationSubject(model, QuantizationFormat.Gguf, descriptor.QuantLabel ?? "GGUF");
        }

        // A GPTQ, AWQ or EXL2 folder: its shape at its own quantization (the library knows the architecture, not the packed sizes).
        if (descriptor.QuantLabel is { } label && model.Tensors.Count > 0)
        {
            try
            {
                // "BF16" or "F16" names a GGUF type too; a safetensors folder in that dtype is its weights as read.
                var option = QuantizationCatalog.Find(model, label);
                if (option.Format != QuantizationFormat.Gguf)
                {
                    return new EstimationSubject(option.Model, option.Format, QuantizationCatalog.IdOf(option));
                }
            }
            catch (ArgumentException)
            {
                // FP16/BF16 and quantizations the catalog does not build: the weights as read.
            }
        }

        return new EstimationSubject(model, QuantizationFormat.Safetensors, descriptor.QuantLabel ?? "FP16");
    }
}
