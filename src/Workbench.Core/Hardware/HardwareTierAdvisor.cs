namespace Workbench.Core.Hardware;

/// <summary>
/// Places a machine in a <see cref="HardwareTier"/> from its VRAM and RAM. Cards report a little less than their
/// nominal size (an RTX 4090 "24 GB" shows 24564 MiB, a "16 GB" RTX 4080 16376 MiB) and the kernel keeps some RAM
/// for itself, so each threshold allows a margin below the nominal size.
/// </summary>
public static class HardwareTierAdvisor
{
    private const long GiB = 1L << 30;

    /// <summary>Share of a nominal VRAM size a card must report to count as that size.</summary>
    internal const double VramTolerance = 0.95;

    /// <summary>Share of a nominal RAM size the OS must report to count as that size.</summary>
    internal const double RamTolerance = 0.90;

    // Nominal VRAM each tier needs, largest first.
    private static readonly (int NominalGiB, HardwareTier Tier)[] VramTiers =
    [
        (48, HardwareTier.Models70B),
        (24, HardwareTier.Models34B),
        (16, HardwareTier.Models13B),
        (8, HardwareTier.Models7B),
    ];

    /// <summary>Advice for a machine with this much VRAM (all GPUs together) and RAM; either may be null when unknown.</summary>
    public static HardwareTierAdvice Advise(long? totalVramBytes, long? ramBytes)
    {
        var tier = TierFor(totalVramBytes ?? 0);
        return new HardwareTierAdvice(tier, AdviceFor(tier, totalVramBytes ?? 0), NextUpgradeFor(tier), RamAdviceFor(tier, totalVramBytes ?? 0, ramBytes));
    }

    /// <summary>The tier for this much VRAM.</summary>
    public static HardwareTier TierFor(long totalVramBytes)
    {
        foreach (var (nominalGiB, tier) in VramTiers)
        {
            if (AtLeast(totalVramBytes, nominalGiB, VramTolerance))
            {
                return tier;
            }
        }

        return HardwareTier.Minimal;
    }

    private static bool AtLeast(long? bytes, int nominalGiB, double tolerance) =>
        bytes is { } b && b >= (long)(nominalGiB * GiB * tolerance);

    private static string AdviceFor(HardwareTier tier, long vramBytes) => tier switch
    {
        HardwareTier.Models70B => "70B models fit in VRAM at Q4, and everything smaller at higher quality.",
        HardwareTier.Models34B => "34B models fit in VRAM at Q4 (about 17 GiB of weights); 70B only at very low bits (2–3-bit) or with layers offloaded to the CPU.",
        HardwareTier.Models13B => "13B models fit in VRAM at Q4–Q5, 7B at Q8; larger models need layers offloaded to the CPU.",
        HardwareTier.Models7B => "7B models fit in VRAM at Q4/Q5; 13B and larger need layers offloaded to the CPU.",
        _ when vramBytes > 0 => "Under 8 GiB of VRAM: small models (3B, or 7B at Q4 with some layers on the CPU) run best; expect CPU-bound speeds for anything larger.",
        _ => "No NVIDIA GPU: models run on the CPU at a few tokens per second; 7B at Q4 is the comfortable size.",
    };

    private static string? NextUpgradeFor(HardwareTier tier) => tier switch
    {
        HardwareTier.Minimal => "A GPU with 8 GiB of VRAM runs 7B models at Q4/Q5 entirely on the GPU.",
        HardwareTier.Models7B => "16 GiB of VRAM unlocks 13B models.",
        HardwareTier.Models13B => "24 GiB of VRAM unlocks 34B models at Q4 (about 17 GiB of weights).",
        HardwareTier.Models34B => "48 GiB of VRAM (for example two 24 GiB cards) runs 70B models at Q4.",
        _ => null,
    };

    private static string? RamAdviceFor(HardwareTier tier, long vramBytes, long? ramBytes)
    {
        if (ramBytes is null)
        {
            return null;
        }

        var gib = ramBytes.Value / (double)GiB;
        if (!AtLeast(ramBytes, 16, RamTolerance))
        {
            return FormattableString.Invariant($"{gib:0.#} GiB of RAM is below the 16 GiB minimum: loading models and running the dashboard alongside will swap.");
        }

        if (vramBytes <= 0)
        {
            return AtLeast(ramBytes, 32, RamTolerance)
                ? FormattableString.Invariant($"{gib:0.#} GiB of RAM holds models up to 34B at Q4 on the CPU, slowly.")
                : FormattableString.Invariant($"{gib:0.#} GiB of RAM holds 7B–13B models at Q4 on the CPU; 32–64 GiB fits 34B.");
        }

        if (!AtLeast(ramBytes, 32, RamTolerance))
        {
            return tier == HardwareTier.Models70B
                ? FormattableString.Invariant($"{gib:0.#} GiB of RAM is enough while models stay in VRAM.")
                : FormattableString.Invariant($"{gib:0.#} GiB of RAM covers models that fit in VRAM; 32–64 GiB lets layers that do not fit run on the CPU.");
        }

        return FormattableString.Invariant($"{gib:0.#} GiB of RAM leaves room to offload layers that do not fit in VRAM to the CPU (slower, but larger models run).");
    }
}
