using MudBlazor;
using Workbench.Core.Estimation;

namespace Workbench.Web.Estimation;

/// <summary>How a fit verdict looks in a table: a short word and a traffic-light colour.</summary>
public static class FitBadge
{
    /// <summary>One or two words for a chip.</summary>
    public static string Label(FitKind kind) => kind switch
    {
        FitKind.FitsFully => "fits",
        FitKind.PartialOffload => "partial",
        FitKind.CpuOnly => "CPU only",
        _ => "too big",
    };

    /// <summary>Green for full speed, amber for slower, red for not at all.</summary>
    public static Color Color(FitKind kind) => kind switch
    {
        FitKind.FitsFully => MudBlazor.Color.Success,
        FitKind.PartialOffload => MudBlazor.Color.Warning,
        FitKind.CpuOnly => MudBlazor.Color.Info,
        _ => MudBlazor.Color.Error,
    };
}
