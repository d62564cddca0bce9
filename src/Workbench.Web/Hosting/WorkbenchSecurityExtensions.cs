using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Workbench.Web.Security;

namespace Workbench.Web.Hosting;

/// <summary>Sign-in, roles, worker authentication, host and origin checks, rate limits and security headers.</summary>
public static class WorkbenchSecurityExtensions
{
    /// <summary>Policy: only the owner.</summary>
    public const string OwnerPolicy = "owner";

    /// <summary>Policy: only workers presenting the secret.</summary>
    public const string WorkerPolicy = "worker";

    private static readonly PathString[] MachinePaths = ["/workbench", "/v1", "/api", "/hubs", "/_blazor", "/openapi", "/healthz"];

    /// <summary>Registers the security services.</summary>
    public static IServiceCollection AddWorkbenchSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AccessOptions>().Bind(configuration.GetSection(AccessOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AccessOptions>, AccessOptionsValidator>());
        services.TryAddSingleton<AccessTokenStore>();
        services.TryAddSingleton<WorkerSecret>();
        services.TryAddSingleton<SignInLinkSource>();
        services.AddHostedService<AccessTokenAnnouncer>();

        // Keys in the data folder: a restart does not sign everyone out.
        services.AddDataProtection().SetApplicationName("Workbench");
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<WorkbenchOptions>>((keys, workbench) =>
            keys.XmlRepository = new FileSystemXmlRepository(
                new DirectoryInfo(Path.Combine(workbench.Value.DataDirectory, "security", "keys")), NullLoggerFactory.Instance));

        services.AddAuthentication(AccessSchemes.Default)
            .AddPolicyScheme(AccessSchemes.Default, null, scheme =>
            {
                scheme.ForwardDefaultSelector = context =>
                    context.Request.Cookies.ContainsKey(AccessSchemes.CookieName) ? AccessSchemes.Cookie : AccessSchemes.Loopback;
                scheme.ForwardChallenge = AccessSchemes.Cookie;
                scheme.ForwardForbid = AccessSchemes.Cookie;
                scheme.ForwardSignIn = AccessSchemes.Cookie;
                scheme.ForwardSignOut = AccessSchemes.Cookie;
            })
            .AddCookie(AccessSchemes.Cookie, cookie =>
            {
                cookie.Cookie.Name = AccessSchemes.CookieName;
                cookie.Cookie.HttpOnly = true;
                // Lax: sent when following a link here, never with another site's requests or WebSocket handshakes.
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.ExpireTimeSpan = TimeSpan.FromDays(30);
                cookie.SlidingExpiration = true;
                cookie.LoginPath = "/signin";
                cookie.Events.OnValidatePrincipal = SessionCookieValidation.ValidateAsync;
                cookie.Events.OnRedirectToLogin = context => Refuse(context, StatusCodes.Status401Unauthorized, "Sign in first.");
                cookie.Events.OnRedirectToAccessDenied = context => Refuse(context, StatusCodes.Status403Forbidden, "Only the owner may do this.");
            })
            .AddScheme<AuthenticationSchemeOptions, LoopbackAuthenticationHandler>(AccessSchemes.Loopback, null)
            .AddScheme<AuthenticationSchemeOptions, WorkerSecretAuthenticationHandler>(AccessSchemes.WorkerSecret, null);

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(AccessSchemes.Default).RequireAuthenticatedUser().Build())
            .AddPolicy(OwnerPolicy, policy => policy.AddAuthenticationSchemes(AccessSchemes.Default).RequireRole(AccessRoles.Owner))
            .AddPolicy(WorkerPolicy, policy => policy.AddAuthenticationSchemes(AccessSchemes.WorkerSecret).RequireRole(AccessRoles.Worker));
        services.AddCascadingAuthenticationState();
        // Before Blazor's own registration (a TryAdd), so open circuits re-check their token.
        services.AddScoped<AuthenticationStateProvider, AccessRevalidatingStateProvider>();

        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = (rejected, cancellationToken) => new ValueTask(
                rejected.HttpContext.Response.WriteAsync("Too many sign-in attempts from this address; wait a minute and try again.", cancellationToken));
            limiter.AddPolicy(SignInEndpoints.RateLimitPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "local",
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = context.RequestServices.GetRequiredService<IOptions<AccessOptions>>().Value.SignInAttemptsPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                }));
        });

        // ASP.NET Core's host filtering, fed the configured or automatic list (DNS-rebinding protection).
        services.AddOptions<HostFilteringOptions>().Configure<IOptions<AccessOptions>>((hosts, access) =>
            hosts.AllowedHosts = [.. AllowedHostList.Resolve(access.Value.AllowedHosts)]);
        return services;
    }

    /// <summary>Adds the security middleware; call before mapping endpoints.</summary>
    public static WebApplication UseWorkbenchSecurity(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseMiddleware<OriginCheckMiddleware>();
        app.UseMiddleware<ApiCrossSiteRequestMiddleware>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }

    // Pages redirect to the sign-in page; scripts, hubs and APIs get the status code they can act on.
    private static Task Refuse(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context, int status, string message)
    {
        if (MachinePaths.Any(p => context.Request.Path.StartsWithSegments(p)) || status == StatusCodes.Status403Forbidden)
        {
            context.Response.StatusCode = status;
            return context.Response.WriteAsync(message);
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
