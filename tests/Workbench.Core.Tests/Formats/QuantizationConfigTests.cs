using Workbench.Core.Formats;
using Workbench.Core.Tests.TestSupport;

namespace Workbench.Core.Tests.Formats;

public sealed class QuantizationConfigTests
{
    [Fact]
    public void A_gptq_quantize_config_file_is_read_as_gptq()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("quantize_config.json"), """{"bits": 8, "group_size": -1, "desc_act": false, "sym": true}""");

        var q = QuantizationConfig.Find(temp.Path, config: null)!;

        Assert.Equal(QuantizationMethod.Gptq, q.Method);
        Assert.Equal(8, q.Bits);
        Assert.Equal(-1, q.GroupSize);
        Assert.Equal("quantize_config.json", q.SourceFile);
    }

    [Fact]
    public void An_older_awq_quant_config_file_is_read_as_awq()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("quant_config.json"), """{"zero_point": true, "q_group_size": 128, "w_bit": 4, "version": "GEMM"}""");

        var q = QuantizationConfig.Find(temp.Path, config: null)!;

        Assert.Equal(QuantizationMethod.Awq, q.Method);
        Assert.Equal(4, q.Bits);
        Assert.Equal(128, q.GroupSize);
        Assert.Equal("GEMM", q.Version);
    }

    [Fact]
    public void A_measurement_file_marks_an_exl2_folder()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("measurement.json"), "{}");

        var q = QuantizationConfig.Find(temp.Path, config: null)!;

        Assert.Equal(QuantizationMethod.Exl2, q.Method);
        Assert.Null(q.Bits);
    }

    [Fact]
    public void The_config_json_method_wins_over_side_files()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("quantize_config.json"), """{"bits": 4, "group_size": 128}""");
        var config = HuggingFaceConfig.Parse("""{"quantization_config": {"quant_method": "exl2", "bits": 4.65, "head_bits": 6}}""");

        var q = QuantizationConfig.Find(temp.Path, config)!;

        Assert.Equal(QuantizationMethod.Exl2, q.Method);
        Assert.Equal(4.65, q.Bits);
        Assert.Equal(6, q.HeadBits);
    }

    [Fact]
    public void An_unquantized_folder_has_no_quantization()
    {
        using var temp = new TempDirectory();

        Assert.Null(QuantizationConfig.Find(temp.Path, HuggingFaceConfig.Parse("{}")));
    }

    [Fact]
    public void A_method_this_library_does_not_unpack_is_named()
    {
        var config = HuggingFaceConfig.Parse("""{"quantization_config": {"quant_method": "bitsandbytes", "load_in_4bit": true}}""");

        Assert.Equal(QuantizationMethod.Other, config.Quantization!.Method);
        Assert.Equal("bitsandbytes", config.Quantization.MethodName);
        Assert.Equal(4, config.Quantization.Bits);
    }
}
