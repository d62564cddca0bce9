namespace Workbench.Core.Hardware;

/// <summary>Largest class of model a machine runs fully in VRAM at a usual quantization.</summary>
public enum HardwareTier
{
    /// <summary>No GPU or under 8 GB of VRAM: small models, mostly on the CPU.</summary>
    Minimal,

    /// <summary>8 GB of VRAM: 7B models at Q4/Q5.</summary>
    Models7B,

    /// <summary>16 GB of VRAM: 13B models.</summary>
    Models13B,

    /// <summary>24 GB of VRAM: 34B models at Q4 (≈17 GB of weights); 70B only at very low bits.</summary>
    Models34B,

    /// <summary>48 GB of VRAM or more: 70B models at Q4.</summary>
    Models70B,
}

/// <summary>What a machine's tier means for the user.</summary>
/// <param name="Tier">The tier, from total VRAM.</param>
/// <param name="Advice">One sentence on what runs well here.</param>
/// <param name="NextUpgrade">What unlocks the next tier; null at the top tier.</param>
/// <param name="RamAdvice">What the RAM allows or lacks; null when the RAM is unknown.</param>
public sealed record HardwareTierAdvice(HardwareTier Tier, string Advice, string? NextUpgrade, string? RamAdvice);
