namespace Workbench.Web.Components.Layout;

/// <summary>
/// Which theme to show: the one the user picked in this browser (stored as "dark" or "light"), else the operating
/// system's preference, else dark.
/// </summary>
public static class ThemeChoice
{
    /// <summary>What the browser stores for a dark choice.</summary>
    public const string Dark = "dark";

    /// <summary>What the browser stores for a light choice.</summary>
    public const string Light = "light";

    /// <summary>Dark or not, from the <paramref name="stored"/> choice and the <paramref name="systemPrefersDark"/> preference.</summary>
    public static bool IsDark(string? stored, bool? systemPrefersDark) => stored switch
    {
        Dark => true,
        Light => false,
        _ => systemPrefersDark ?? true,
    };

    /// <summary>The value to store for <paramref name="dark"/>.</summary>
    public static string Store(bool dark) => dark ? Dark : Light;
}
