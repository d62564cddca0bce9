using Workbench.Core.Protocol;

namespace Workbench.Core.Conversations;

/// <summary>Bounds for the sampling settings a user can choose; values outside them are brought inside.</summary>
public static class SamplingLimits
{
    /// <summary>Highest temperature; beyond 2 answers are noise.</summary>
    public const float MaxTemperature = 2f;

    /// <summary>Largest top-k; 0 turns top-k off.</summary>
    public const int MaxTopK = 500;

    /// <summary>Lowest repeat penalty (1 is off; below 1 would reward repetition).</summary>
    public const float MinRepeatPenalty = 1f;

    /// <summary>Highest repeat penalty.</summary>
    public const float MaxRepeatPenalty = 2f;

    /// <summary>Largest token limit per answer; the context window usually ends an answer first.</summary>
    public const int MaxMaxTokens = 131_072;

    /// <summary><paramref name="settings"/> with every value inside its bounds.</summary>
    public static SamplingSettings Clamp(SamplingSettings settings) => settings with
    {
        Temperature = ClampFinite(settings.Temperature, 0f, MaxTemperature),
        TopP = ClampFinite(settings.TopP, 0f, 1f),
        TopK = Math.Clamp(settings.TopK, 0, MaxTopK),
        MinP = ClampFinite(settings.MinP, 0f, 1f),
        RepeatPenalty = ClampFinite(settings.RepeatPenalty, MinRepeatPenalty, MaxRepeatPenalty),
        MaxTokens = Math.Clamp(settings.MaxTokens, 1, MaxMaxTokens),
    };

    private static float ClampFinite(float value, float min, float max) =>
        float.IsNaN(value) ? min : Math.Clamp(value, min, max);
}
