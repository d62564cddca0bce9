using System.Reflection;

namespace Workbench.Web;

/// <summary>The app's version, as built (shown in the footer and reported by the API).</summary>
public static class AppVersion
{
    /// <summary>Informational version without the source-control suffix.</summary>
    public static string Current { get; } =
        (typeof(AppVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0")
        .Split('+')[0];
}
