using Microsoft.Extensions.Options;

namespace Workbench.Web.Api.Compat;

/// <summary>Settings of the OpenAI- and Ollama-compatible API (configuration section <c>Workbench:Api</c>).</summary>
public sealed class ApiOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Workbench:Api";

    /// <summary>A request naming a model that is not loaded loads it; when off it is answered with an error naming the loaded one.</summary>
    public bool LoadModelOnDemand { get; set; } = true;

    /// <summary>
    /// Context length, in tokens, of a model the API loads on demand; unset: the Chat page's default (4096, capped at
    /// the model's trained context).
    /// </summary>
    public int? ContextSize { get; set; }

    /// <summary>
    /// Layers offloaded to the GPU when the API loads a model on demand; unset: as many as the estimator fits on the
    /// worker's GPUs (none on the CPU backend), as for chat.
    /// </summary>
    public int? GpuLayers { get; set; }

    /// <summary>Largest <c>max_tokens</c> (OpenAI) or <c>num_predict</c> (Ollama) accepted; larger values are answered 400.</summary>
    public int MaxTokensLimit { get; set; } = 32_768;

    /// <summary>Largest request body accepted, in bytes; larger bodies are answered 413.</summary>
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>How many recent API requests the dashboard keeps in memory.</summary>
    public int RequestLogCapacity { get; set; } = 200;

    /// <summary>
    /// Web origins (<c>https://app.example:8080</c>, or <c>*</c> for any) whose pages may call <c>/v1</c> and <c>/api</c>
    /// from a browser, like Ollama's <c>OLLAMA_ORIGINS</c>; empty (the default): none. Never opens the dashboard or its hubs.
    /// </summary>
    public IReadOnlyList<string> CorsOrigins { get; set; } = [];
}

/// <summary>Checks <see cref="ApiOptions"/> at start-up, naming the key that is wrong.</summary>
internal sealed class ApiOptionsValidator : IValidateOptions<ApiOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiOptions options)
    {
        var failures = new List<string>();
        if (options.ContextSize is < 16)
        {
            failures.Add($"{ApiOptions.Section}:ContextSize must be at least 16 tokens; got {options.ContextSize}.");
        }

        if (options.GpuLayers is < 0)
        {
            failures.Add($"{ApiOptions.Section}:GpuLayers must be 0 or more; got {options.GpuLayers}.");
        }

        if (options.MaxTokensLimit < 1)
        {
            failures.Add($"{ApiOptions.Section}:MaxTokensLimit must be at least 1; got {options.MaxTokensLimit}.");
        }

        if (options.MaxRequestBodyBytes is < 1024 or > 256L * 1024 * 1024)
        {
            failures.Add($"{ApiOptions.Section}:MaxRequestBodyBytes must be between 1 KiB and 256 MiB; got {options.MaxRequestBodyBytes}.");
        }

        if (options.RequestLogCapacity is < 1 or > 100_000)
        {
            failures.Add($"{ApiOptions.Section}:RequestLogCapacity must be between 1 and 100000; got {options.RequestLogCapacity}.");
        }

        // An origin is scheme://host[:port] exactly as a browser sends it; a path or a typo would silently never match.
        foreach (var origin in options.CorsOrigins.Where(o => o != "*"
            && !(Uri.TryCreate(o, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.AbsolutePath == "/" && !o.TrimEnd('/').EndsWith('/'))))
        {
            failures.Add($"{ApiOptions.Section}:CorsOrigins must list origins such as 'https://app.example:8080' (or '*'); got '{origin}'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
