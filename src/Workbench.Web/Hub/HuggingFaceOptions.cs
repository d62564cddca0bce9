using Microsoft.Extensions.Options;

namespace Workbench.Web.Hub;

/// <summary>Settings of the Get models page and downloads (configuration section <c>Workbench:HuggingFace</c>).</summary>
public sealed class HuggingFaceOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Workbench:HuggingFace";

    /// <summary>The hub's address: the public hub, or a mirror that serves the same API.</summary>
    public string Endpoint { get; set; } = "https://huggingface.co";

    /// <summary>Access token for gated and private repositories; sent only to <see cref="Endpoint"/>. Also settable on the Settings page.</summary>
    public string? Token { get; set; }

    /// <summary>First range read of a remote header, in KiB; each further read doubles what is at hand.</summary>
    public int InitialHeaderKiB { get; set; } = 1024;

    /// <summary>Most of one remote file read for its header, in MiB; a header that needs more is refused.</summary>
    public int MaxHeaderMiB { get; set; } = 64;

    /// <summary>Downloads that run at once; the others wait in line.</summary>
    public int MaxConcurrentDownloads { get; set; } = 2;

    /// <summary>Space a download leaves free on the target disk, in MiB.</summary>
    public long DiskReserveMiB { get; set; } = 1024;

    /// <summary>The endpoint as an address (validated at start-up).</summary>
    public Uri EndpointUri => new(Endpoint.TrimEnd('/') + "/");
}

/// <summary>Checks <see cref="HuggingFaceOptions"/> at start-up, naming the key that is wrong.</summary>
internal sealed class HuggingFaceOptionsValidator : IValidateOptions<HuggingFaceOptions>
{
    public ValidateOptionsResult Validate(string? name, HuggingFaceOptions options)
    {
        var failures = new List<string>();
        if (!Uri.TryCreate(options.Endpoint, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("https" or "http") || !string.IsNullOrEmpty(endpoint.Query))
        {
            failures.Add($"Workbench:HuggingFace:Endpoint must be an http(s) address such as https://huggingface.co; got '{options.Endpoint}'.");
        }

        if (options.InitialHeaderKiB is < 1 or > 65_536)
        {
            failures.Add($"Workbench:HuggingFace:InitialHeaderKiB must be between 1 and 65536; got {options.InitialHeaderKiB}.");
        }

        if (options.MaxHeaderMiB is < 1 or > 1024)
        {
            failures.Add($"Workbench:HuggingFace:MaxHeaderMiB must be between 1 and 1024; got {options.MaxHeaderMiB}.");
        }

        if (options.MaxConcurrentDownloads is < 1 or > 16)
        {
            failures.Add($"Workbench:HuggingFace:MaxConcurrentDownloads must be between 1 and 16; got {options.MaxConcurrentDownloads}.");
        }

        if (options.DiskReserveMiB < 0)
        {
            failures.Add($"Workbench:HuggingFace:DiskReserveMiB cannot be negative; got {options.DiskReserveMiB}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
