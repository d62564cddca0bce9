using System.Globalization;
using System.Security.Cryptography;
using Workbench.Core.Protocol;

namespace Workbench.Web.Api.Compat;

/// <summary>
/// Sampling parameters as a client sent them, before checking. Out-of-range values are refused with a 400 naming
/// the parameter rather than clamped, so a client's mistake is visible; an absent token limit means "until the
/// context window is full" (both APIs' default), bounded by <see cref="ApiOptions.MaxTokensLimit"/>.
/// </summary>
/// <param name="Names">The wire names of the parameters, for messages.</param>
public sealed record ApiSampling(
    float? Temperature,
    float? TopP,
    int? TopK,
    float? MinP,
    float? RepeatPenalty,
    long? MaxTokens,
    long? Seed,
    ApiSamplingNames Names)
{
    /// <summary>The checked settings for the worker.</summary>
    public SamplingSettings ToSettings(int maxTokensLimit)
    {
        var defaults = new SamplingSettings();
        return new SamplingSettings
        {
            Temperature = InRange(Temperature, Names.Temperature, 0f, 2f) ?? defaults.Temperature,
            TopP = InRange(TopP, Names.TopP, 0f, 1f) ?? defaults.TopP,
            TopK = TopK is < 0 ? throw ApiRequestException.Invalid(Names.TopK, $"{Names.TopK} must be 0 or more; got {TopK}.") : TopK ?? defaults.TopK,
            MinP = InRange(MinP, Names.MinP, 0f, 1f) ?? defaults.MinP,
            RepeatPenalty = InRange(RepeatPenalty, Names.RepeatPenalty, 0f, 10f) ?? defaults.RepeatPenalty,
            MaxTokens = MaxTokens switch
            {
                null => maxTokensLimit,
                < 1 or > int.MaxValue => throw TokenLimit(maxTokensLimit),
                _ when MaxTokens > maxTokensLimit => throw TokenLimit(maxTokensLimit),
                _ => (int)MaxTokens.Value,
            },
            Seed = Seed switch
            {
                // No seed: a fresh one, so repeated requests differ as they do with OpenAI and Ollama.
                null => (uint)RandomNumberGenerator.GetInt32(int.MaxValue),
                < 0 or > uint.MaxValue => throw ApiRequestException.Invalid(Names.Seed, $"{Names.Seed} must be between 0 and {uint.MaxValue}; got {Seed}."),
                _ => (uint)Seed.Value,
            },
        };
    }

    private ApiRequestException TokenLimit(int limit) => ApiRequestException.Invalid(
        Names.MaxTokens,
        $"{Names.MaxTokens} must be between 1 and {limit} (setting {ApiOptions.Section}:MaxTokensLimit); got {MaxTokens}. An answer also stops where the model's context window ends.");

    private static float? InRange(float? value, string name, float min, float max) => value switch
    {
        null => null,
        _ when float.IsNaN(value.Value) || value < min || value > max => throw ApiRequestException.Invalid(
            name, string.Create(CultureInfo.InvariantCulture, $"{name} must be between {min} and {max}; got {value}.")),
        _ => value,
    };
}

/// <summary>What each API calls the sampling parameters.</summary>
public sealed record ApiSamplingNames(string Temperature, string TopP, string TopK, string MinP, string RepeatPenalty, string MaxTokens, string Seed)
{
    /// <summary>OpenAI's names.</summary>
    public static ApiSamplingNames OpenAi { get; } = new("temperature", "top_p", "top_k", "min_p", "repetition_penalty", "max_tokens", "seed");

    /// <summary>The names of OpenAI's Responses API, which calls the token limit max_output_tokens.</summary>
    public static ApiSamplingNames Responses { get; } = OpenAi with { MaxTokens = "max_output_tokens" };

    /// <summary>Ollama's names (inside <c>options</c>).</summary>
    public static ApiSamplingNames Ollama { get; } = new("options.temperature", "options.top_p", "options.top_k", "options.min_p", "options.repeat_penalty", "options.num_predict", "options.seed");
}
