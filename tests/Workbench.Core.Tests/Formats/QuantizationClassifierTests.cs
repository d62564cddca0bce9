using Workbench.Core.Formats;

namespace Workbench.Core.Tests.Formats;

public sealed class QuantizationClassifierTests
{
    [Fact]
    public void Unquantized_weights_are_labelled_by_the_dtype_holding_most_bytes()
    {
        var tensors = Tensors(new SafetensorsTestWriter().Add("w", "BF16", 64, 64).Add("norm", "F32", 64));

        var result = QuantizationClassifier.Classify(null, tensors);

        Assert.Equal(QuantizationMethod.None, result.Method);
        Assert.Equal("BF16", result.Label);
        Assert.Equal(64 * 64 + 64, result.ParameterCount);
    }

    [Fact]
    public void Gptq_counts_packed_weights_unpacked_and_leaves_out_zeros_scales_and_group_indexes()
    {
        var tensors = Tensors(TinyModel.Gptq());
        var config = new QuantizationConfig { Method = QuantizationMethod.Gptq, Bits = 4, GroupSize = 128 };

        var result = QuantizationClassifier.Classify(config, tensors);

        Assert.Equal(TinyModel.ParameterCount, result.ParameterCount);
    }

    [Fact]
    public void Gptq_bits_are_inferred_from_qweight_rows_and_g_idx_when_no_config_states_them()
    {
        var tensors = Tensors(TinyModel.Gptq(bits: 8));

        var result = QuantizationClassifier.Classify(null, tensors);

        Assert.Equal(QuantizationMethod.Gptq, result.Method);
        Assert.Equal(8, result.QuantizedBits);
        Assert.Equal(TinyModel.ParameterCount, result.ParameterCount);
    }

    [Fact]
    public void Three_bit_gptq_unpacks_to_the_same_weight_count()
    {
        var tensors = Tensors(TinyModel.Gptq(bits: 3));
        var config = new QuantizationConfig { Method = QuantizationMethod.Gptq, Bits = 3, GroupSize = 128 };

        var result = QuantizationClassifier.Classify(config, tensors);

        Assert.Equal(TinyModel.ParameterCount, result.ParameterCount);
        Assert.Equal("GPTQ 3-bit g128", result.Label);
    }

    [Fact]
    public void Exl2_without_stated_bits_takes_them_from_the_quantized_layers_bytes()
    {
        var tensors = Tensors(TinyModel.Exl2());

        var result = QuantizationClassifier.Classify(new QuantizationConfig { Method = QuantizationMethod.Exl2 }, tensors);

        Assert.Equal(TinyModel.ParameterCount, result.ParameterCount);
        Assert.InRange(result.BitsPerWeight!.Value, 4.0, 6.0);
        Assert.StartsWith("EXL2 ", result.Label, StringComparison.Ordinal);
    }

    [Fact]
    public void A_method_that_is_not_unpacked_is_labelled_with_its_name()
    {
        var tensors = Tensors(new SafetensorsTestWriter().Add("w", "F8_E4M3", 8, 8));
        var config = new QuantizationConfig { Method = QuantizationMethod.Other, MethodName = "fp8" };

        var result = QuantizationClassifier.Classify(config, tensors);

        Assert.Equal("FP8", result.Label);
        Assert.Equal(8.0, result.BitsPerWeight);
    }

    private static IReadOnlyList<SafetensorsTensor> Tensors(SafetensorsTestWriter writer) =>
        SafetensorsHeaderReaderTests.Read(writer.ToBytes()).Tensors;
}
