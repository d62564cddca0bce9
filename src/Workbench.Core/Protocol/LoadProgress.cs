namespace Workbench.Core.Protocol;

/// <summary>How far a worker's model load has come.</summary>
/// <param name="ModelPath">The model being loaded.</param>
/// <param name="Fraction">0 to 1.</param>
public sealed record LoadProgress(string ModelPath, float Fraction);
