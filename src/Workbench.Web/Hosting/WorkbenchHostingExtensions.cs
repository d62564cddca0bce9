namespace Workbench.Web.Hosting;

/// <summary>How the host is reached when run as the README says: its default address and its static files.</summary>
public static class WorkbenchHostingExtensions
{
    /// <summary>Configuration key of the address used when no other is set (appsettings.json: every interface, port 5080).</summary>
    public const string DefaultUrlsKey = "Workbench:DefaultUrls";

    // Any of these means the user chose the address (--urls, ASPNETCORE_URLS, ASPNETCORE_HTTP_PORTS, …).
    private static readonly string[] AddressKeys = ["urls", "http_ports", "https_ports"];

    /// <summary>Applies the default address and serves static files from the build output in every environment.</summary>
    public static WebApplicationBuilder UseWorkbenchHosting(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // Not "urls" in appsettings.json: that would override ASPNETCORE_URLS, which is read before it.
        if (!AddressKeys.Any(key => builder.Configuration[key] is { Length: > 0 })
            && !builder.Configuration.GetSection("Kestrel:Endpoints").Exists()
            && builder.Configuration[DefaultUrlsKey] is { Length: > 0 } defaults)
        {
            builder.WebHost.UseUrls(defaults);
        }

        // The build output has no wwwroot: its files (ours at the top level, MudBlazor's, the framework's) are
        // found through the static web assets manifest, which ASP.NET Core reads only in Development by default;
        // without it MapStaticAssets answers 200 with an empty body. A published build has no such manifest
        // (its files are in wwwroot), so this does nothing there.
        builder.WebHost.UseStaticWebAssets();
        return builder;
    }
}
