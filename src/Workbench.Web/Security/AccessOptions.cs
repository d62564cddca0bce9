using Microsoft.Extensions.Options;

namespace Workbench.Web.Security;

/// <summary>Who may reach the dashboard and how (configuration section <c>Workbench:Access</c>).</summary>
public sealed class AccessOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Workbench:Access";

    /// <summary>
    /// Requests from this machine (loopback) act as the owner without signing in. Convenient on the
    /// workstation itself; turn it off in a container or behind a reverse proxy on the same machine,
    /// where every request looks local.
    /// </summary>
    public bool AllowLoopbackWithoutSignIn { get; set; } = true;

    /// <summary>
    /// Host names the dashboard answers to (DNS-rebinding protection). Empty: this machine's names and
    /// addresses plus localhost. <c>*</c> answers any host name.
    /// </summary>
    public IList<string> AllowedHosts { get; } = [];

    /// <summary>
    /// The secret workers present when they connect. Empty: generated into the data folder and handed
    /// to the local worker; set it (and the same value on remote workers) to accept workers from other machines.
    /// </summary>
    public string? WorkerSecret { get; set; }

    /// <summary>Sign-in attempts allowed per client address per minute.</summary>
    public int SignInAttemptsPerMinute { get; set; } = 5;

    /// <summary>
    /// How often an open page re-checks that the token it signed in with still exists; deleting or
    /// replacing a token ends its open pages within this time (each new request is checked at once).
    /// </summary>
    public TimeSpan SessionRevalidationInterval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Checks <see cref="AccessOptions"/> at start-up, naming the key that is wrong.</summary>
internal sealed class AccessOptionsValidator : IValidateOptions<AccessOptions>
{
    public ValidateOptionsResult Validate(string? name, AccessOptions options)
    {
        var failures = new List<string>();
        if (options.SignInAttemptsPerMinute is < 1 or > 1000)
        {
            failures.Add($"Workbench:Access:SignInAttemptsPerMinute must be between 1 and 1000; got {options.SignInAttemptsPerMinute}.");
        }

        if (options.SessionRevalidationInterval < TimeSpan.FromSeconds(1) || options.SessionRevalidationInterval > TimeSpan.FromMinutes(1))
        {
            failures.Add($"Workbench:Access:SessionRevalidationInterval must be between 00:00:01 and 00:01:00; got {options.SessionRevalidationInterval}.");
        }

        if (options.WorkerSecret is { Length: > 0 and < 16 })
        {
            failures.Add("Workbench:Access:WorkerSecret must be at least 16 characters; a short secret can be guessed.");
        }

        for (var i = 0; i < options.AllowedHosts.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(options.AllowedHosts[i]) || options.AllowedHosts[i].Contains('/', StringComparison.Ordinal))
            {
                failures.Add($"Workbench:Access:AllowedHosts:{i} must be a host name such as 'workstation.local' or '*'; got '{options.AllowedHosts[i]}'.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
