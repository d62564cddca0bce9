using Workbench.Core.Estimation;
using Workbench.Core.Library;

namespace Workbench.Web.Estimation;

/// <summary>
/// The rows of the Compare table for a model: every quantization of the catalog, with the model's own one replaced by
/// the file as stored (its real tensor types rather than llama-quantize's recipe), so the "yours" row, a hub row of the
/// same file and the estimate API all size the same weights.
/// </summary>
public static class CompareOptions
{
    /// <summary>The catalog's quantizations of <paramref name="model"/>; with <paramref name="descriptor"/>, its own row is the stored file.</summary>
    public static IReadOnlyList<QuantizationOption> For(EstimationModel model, ModelDescriptor? descriptor)
    {
        var catalog = QuantizationCatalog.Describe(model);
        if (descriptor is null)
        {
            return catalog;
        }

        var stored = Stored(descriptor, model);
        // Only the same label in the same format is the same file; a BF16 safetensors folder is not the BF16 GGUF row.
        bool Same(QuantizationOption o) => o.Format == stored.Format && string.Equals(o.Label, stored.Label, StringComparison.OrdinalIgnoreCase);
        // A GGUF type the catalog does not build (F32, Q4_1 …) is still your file: it gets a row of its own.
        var rows = catalog.Any(Same) ? catalog.Select(o => Same(o) ? stored : o)
            : stored.Format == QuantizationFormat.Gguf ? catalog.Append(stored)
            : catalog;
        return [.. rows.OrderBy(o => o.WeightBytes)];
    }

    /// <summary>The model as <paramref name="descriptor"/>'s files store it, judged as the estimate API judges them.</summary>
    public static QuantizationOption Stored(ModelDescriptor descriptor, EstimationModel model)
    {
        var subject = EstimationSubject.For(descriptor, model, null);
        // GPTQ, AWQ and EXL2 are their catalog option (whose label the table shows); GGUF and FP16 weights carry the file's label.
        var label = subject.Format is QuantizationFormat.Gguf or QuantizationFormat.Safetensors
            ? descriptor.QuantLabel ?? subject.QuantId
            : subject.Model.WeightFormat ?? subject.QuantId;
        return new QuantizationOption(label, subject.Format, subject.Model.BitsPerWeight, subject.Model.TotalWeightBytes, subject.Model);
    }
}
