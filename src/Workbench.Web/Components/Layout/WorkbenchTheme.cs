using MudBlazor;

namespace Workbench.Web.Components.Layout;

/// <summary>The dashboard's colours, light and dark.</summary>
internal static class WorkbenchTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight { Primary = "#3f51b5", Secondary = "#00897b", AppbarBackground = "#283593" },
        PaletteDark = new PaletteDark { Primary = "#7986cb", Secondary = "#4db6ac", AppbarBackground = "#1a1a27" },
    };
}
