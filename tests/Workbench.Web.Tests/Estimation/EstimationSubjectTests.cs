using Workbench.Core.Estimation;
using Workbench.Core.Estimation.Runtimes;
using Workbench.Core.Library;
using Workbench.Web.Estimation;

namespace Workbench.Web.Tests.Estimation;

public sealed class EstimationSubjectTests
{
    private static readonly EstimationModel Shape = ArchitectureCatalog.Find("llama-3.1-8b")!.Shape().ToModel();

    [Fact]
    public void A_gptq_folder_is_judged_at_its_own_quantization_not_as_fp16()
    {
        var subject = EstimationSubject.For(Descriptor(ModelFormat.Gptq, "GPTQ 4-bit g128"), Shape, quant: null);

        Assert.Equal(QuantizationFormat.Gptq, subject.Format);
        Assert.Equal("GPTQ-4bit-g128", subject.QuantId);
        Assert.True(subject.Model.TotalWeightBytes < Shape.TotalWeightBytes / 2);
        Assert.Equal(InferenceRuntime.Vllm, InferenceRuntimes.DefaultFor(subject.Format));
    }

    [Fact]
    public void An_exl2_folder_keeps_its_bit_rate_and_an_fp16_folder_its_weights()
    {
        var exl2 = EstimationSubject.For(Descriptor(ModelFormat.Exl2, "EXL2 4.65 bpw"), Shape, quant: null);
        var fp16 = EstimationSubject.For(Descriptor(ModelFormat.Safetensors, "BF16"), Shape, quant: null);

        Assert.Equal("EXL2-4.65", exl2.QuantId);
        Assert.Equal(QuantizationFormat.Safetensors, fp16.Format);
        Assert.Same(Shape, fp16.Model);
    }

    [Fact]
    public void A_gguf_model_asked_as_another_quantization_becomes_it()
    {
        var subject = EstimationSubject.For(Descriptor(ModelFormat.Gguf, "F16"), Shape, quant: "EXL2-4.0");

        Assert.Equal(QuantizationFormat.Exl2, subject.Format);
        Assert.Equal("EXL2-4.0", subject.QuantId);
    }

    [Fact]
    public void Tensor_parallel_gpus_in_vllm_read_their_shares_at_once()
    {
        var gptq = QuantizationCatalog.Gptq(Shape).Model;
        var settings = RunSettings.Default with { ContextLength = 4096 };
        IReadOnlyList<GpuBudget> one = [GpuBudget.WithGibibytes("24 GB", 24, 936e9)];
        IReadOnlyList<GpuBudget> two = [.. one, .. one];

        var single = EstimateBreakdown.Of(gptq, settings, VllmMemoryModel.Estimate(gptq, settings, RuntimeSettings.Default, one), one, null).Speed!;
        var pair = EstimateBreakdown.Of(gptq, settings, VllmMemoryModel.Estimate(gptq, settings, RuntimeSettings.Default, two), two, null);

        Assert.Equal(2 * single.HighTokensPerSecond, pair.Speed!.HighTokensPerSecond, 3);
        Assert.Contains("tensor parallel", pair.SpeedNote, StringComparison.Ordinal);
    }

    private static ModelDescriptor Descriptor(ModelFormat format, string label) => new()
    {
        Id = "m1",
        Name = "model",
        Format = format,
        QuantLabel = label,
        PrimaryPath = "/models/model",
        Source = ModelSource.ModelRoot,
        SourceRoot = "/models",
    };
}
