using System.Text.Json;

namespace Workbench.Core.Formats;

/// <summary>
/// What a model folder says about its quantization. Sources, in the order <see cref="Find"/> consults them:
/// <list type="number">
/// <item>config.json <c>quantization_config</c> with a <c>quant_method</c> ("gptq", "awq", "exl2", or another method);</item>
/// <item><c>quantize_config.json</c> (AutoGPTQ: bits, group_size, desc_act, sym);</item>
/// <item><c>quant_config.json</c> (older AutoAWQ: w_bit, q_group_size, zero_point, version);</item>
/// <item>config.json <c>quantization</c> / method-less <c>quantization_config</c> with bits and group_size (MLX);</item>
/// <item>a <c>measurement.json</c> in the folder, which only ExLlamaV2's converter writes (EXL2, bits unknown).</item>
/// </list>
/// </summary>
public sealed record QuantizationConfig
{
    public const string GptqFileName = "quantize_config.json";
    public const string AwqFileName = "quant_config.json";
    public const string Exl2MeasurementFileName = "measurement.json";

    public required QuantizationMethod Method { get; init; }

    /// <summary>The method as written (e.g. "gptq", "fp8"); null when the source does not name it.</summary>
    public string? MethodName { get; init; }

    /// <summary>Bits per quantized weight (EXL2: the average, e.g. 4.65).</summary>
    public double? Bits { get; init; }

    /// <summary>Weights per group sharing a scale; -1 (GPTQ) means one group per column.</summary>
    public int? GroupSize { get; init; }

    /// <summary>GPTQ act-order (<c>desc_act</c>).</summary>
    public bool? DescAct { get; init; }

    /// <summary>GPTQ symmetric quantization (<c>sym</c>).</summary>
    public bool? Symmetric { get; init; }

    /// <summary>AWQ <c>zero_point</c>.</summary>
    public bool? ZeroPoint { get; init; }

    /// <summary>AWQ kernel layout ("gemm", "gemv" …) or the EXL2 converter version.</summary>
    public string? Version { get; init; }

    /// <summary>EXL2 bits of the output head (<c>head_bits</c>).</summary>
    public double? HeadBits { get; init; }

    /// <summary>The file the description came from (e.g. "config.json").</summary>
    public string? SourceFile { get; init; }

    /// <summary>
    /// Reads a quantization object: a config.json <c>quantization_config</c>, or the root of <c>quantize_config.json</c> /
    /// <c>quant_config.json</c>. <paramref name="impliedMethod"/> applies when the object has no <c>quant_method</c>.
    /// Returns null when the object names no method and none is implied.
    /// </summary>
    public static QuantizationConfig? FromJson(JsonElement element, QuantizationMethod? impliedMethod = null, string? sourceFile = null)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var methodName = JsonFiles.GetString(element, "quant_method")?.Trim().ToUpperInvariant();
        QuantizationMethod? method = methodName switch
        {
            null or "" => impliedMethod,
            "GPTQ" => QuantizationMethod.Gptq,
            "AWQ" => QuantizationMethod.Awq,
            "EXL2" => QuantizationMethod.Exl2,
            "MLX" => QuantizationMethod.Mlx,
            _ => QuantizationMethod.Other,
        };
        if (method is null)
        {
            return null;
        }

        var bits = JsonFiles.GetDouble(element, "bits") ?? JsonFiles.GetDouble(element, "w_bit") ?? JsonFiles.GetDouble(element, "wbits");
        if (bits is null && JsonFiles.GetBool(element, "load_in_4bit") == true)
        {
            bits = 4;
        }
        else if (bits is null && JsonFiles.GetBool(element, "load_in_8bit") == true)
        {
            bits = 8;
        }

        var group = JsonFiles.GetInt64(element, "group_size") ?? JsonFiles.GetInt64(element, "q_group_size");
        return new QuantizationConfig
        {
            Method = method.Value,
            MethodName = string.IsNullOrEmpty(methodName) ? null : JsonFiles.GetString(element, "quant_method")!.Trim(),
            Bits = bits is > 0 and <= 64 ? bits : null,
            GroupSize = group is >= -1 and <= int.MaxValue and not 0 ? (int)group : null,
            DescAct = JsonFiles.GetBool(element, "desc_act"),
            Symmetric = JsonFiles.GetBool(element, "sym"),
            ZeroPoint = JsonFiles.GetBool(element, "zero_point"),
            Version = JsonFiles.GetString(element, "version"),
            HeadBits = JsonFiles.GetDouble(element, "head_bits") is > 0 and <= 64 and var head ? head : null,
            SourceFile = sourceFile,
        };
    }

    /// <summary>Works out a model folder's quantization from its config (already read) and side files; null when unquantized.</summary>
    /// <exception cref="ModelFormatException">A side file that is present is not valid JSON.</exception>
    public static QuantizationConfig? Find(string folder, HuggingFaceConfig? config)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        return Find(
            config,
            name => File.Exists(Path.Combine(folder, name)) ? JsonFiles.ReadObject(Path.Combine(folder, name)) : null,
            name => File.Exists(Path.Combine(folder, name)));
    }

    /// <summary>Works out a model's quantization from its config and side files fetched as bytes (a hub repository).</summary>
    /// <exception cref="ModelFormatException">A side file given is not valid JSON.</exception>
    public static QuantizationConfig? Find(HuggingFaceConfig? config, IReadOnlyDictionary<string, byte[]> sideFiles, Func<string, bool> exists)
    {
        ArgumentNullException.ThrowIfNull(sideFiles);
        return Find(config, name => sideFiles.TryGetValue(name, out var bytes) ? JsonFiles.ParseFileBytes(bytes, name) : null, exists);
    }

    /// <summary>
    /// Works out a model's quantization from its config and side files wherever they are (a folder, a hub repository):
    /// <paramref name="readSideFile"/> gives a side file's JSON or null when it is absent; <paramref name="exists"/> says whether a file is there.
    /// </summary>
    public static QuantizationConfig? Find(HuggingFaceConfig? config, Func<string, JsonDocument?> readSideFile, Func<string, bool> exists)
    {
        ArgumentNullException.ThrowIfNull(readSideFile);
        ArgumentNullException.ThrowIfNull(exists);
        if (config?.Quantization is { Method: not QuantizationMethod.Mlx } stated)
        {
            return stated;
        }

        if (ReadSideFile(readSideFile, GptqFileName, QuantizationMethod.Gptq) is { } gptq)
        {
            return gptq;
        }

        if (ReadSideFile(readSideFile, AwqFileName, QuantizationMethod.Awq) is { } awq)
        {
            return awq;
        }

        if (config?.Quantization is { } mlx)
        {
            return mlx;
        }

        return exists(Exl2MeasurementFileName)
            ? new QuantizationConfig { Method = QuantizationMethod.Exl2, SourceFile = Exl2MeasurementFileName }
            : null;
    }

    private static QuantizationConfig? ReadSideFile(Func<string, JsonDocument?> read, string fileName, QuantizationMethod implied)
    {
        using var document = read(fileName);
        return document is null ? null : FromJson(document.RootElement, implied, fileName);
    }
}
