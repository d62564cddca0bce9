using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Workbench.Web.Api.Compat;

namespace Workbench.Web.Api.Ollama;

/// <summary><c>POST /api/show</c>: clients such as Open WebUI ask it for a model's context length and template.</summary>
internal static class OllamaShow
{
    public static async Task<IResult> ShowAsync(HttpContext http, CompatModelResolver models, IOptionsMonitor<ApiOptions> options)
    {
        try
        {
            var body = await JsonRequestBody.ReadAsync(http, OllamaJsonContext.Default.OllamaShowRequest, options.CurrentValue.MaxRequestBodyBytes);
            var requested = body.Model ?? body.Name;
            if (string.IsNullOrWhiteSpace(requested))
            {
                throw ApiRequestException.Invalid("model", "The request must name a model; list them with GET /api/tags.");
            }

            var model = models.Find(requested)
                ?? throw new ApiRequestException(StatusCodes.Status404NotFound, $"model '{requested}' not found", "model", "model_not_found");
            return TypedResults.Json(Describe(model, models.ContextFor(model), http.User), OllamaJsonContext.Default.OllamaShowResponse);
        }
        catch (ApiRequestException refusal)
        {
            return OllamaEndpoints.Error(refusal);
        }
    }

    /// <summary>
    /// The defaults an answer gets, in the Modelfile's <c>PARAMETER</c> layout Ollama reports: the window the model is
    /// (or would be) loaded with, and the sampling settings used when a request leaves them out.
    /// </summary>
    internal static string Parameters(int contextSize)
    {
        var defaults = new Workbench.Core.Protocol.SamplingSettings();
        (string Name, object Value)[] lines =
        [
            ("num_ctx", contextSize),
            ("temperature", defaults.Temperature),
            ("top_k", defaults.TopK),
            ("top_p", defaults.TopP),
            ("min_p", defaults.MinP),
            ("repeat_penalty", defaults.RepeatPenalty),
        ];
        return string.Join('\n', lines.Select(line => string.Create(CultureInfo.InvariantCulture, $"{line.Name,-30} {line.Value}")));
    }

    private static OllamaShowResponse Describe(ServableModel model, int contextSize, System.Security.Claims.ClaimsPrincipal viewer)
    {
        var descriptor = model.Descriptor;
        var architecture = descriptor.Architecture;
        var arch = architecture.Name ?? "unknown";
        var info = new JsonObject { ["general.architecture"] = arch };
        void Add(string key, long? value)
        {
            if (value is { } v)
            {
                info[key] = v;
            }
        }

        Add("general.parameter_count", descriptor.ParameterCount);
        Add($"{arch}.context_length", architecture.MaxContextLength);
        Add($"{arch}.embedding_length", architecture.HiddenSize);
        Add($"{arch}.block_count", architecture.LayerCount);
        Add($"{arch}.feed_forward_length", architecture.IntermediateSize);
        Add($"{arch}.attention.head_count", architecture.HeadCount);
        Add($"{arch}.attention.head_count_kv", architecture.KeyValueHeadCount);
        Add($"{arch}.vocab_size", architecture.VocabularySize);
        Add($"{arch}.expert_count", architecture.ExpertCount);
        Add($"{arch}.expert_used_count", architecture.ExpertsUsedCount);
        var modified = File.Exists(model.Path) ? File.GetLastWriteTimeUtc(model.Path) : DateTime.UnixEpoch;
        return new OllamaShowResponse(
            string.Create(CultureInfo.InvariantCulture, $"# Served by Workbench from its model library\nFROM {Security.OwnerDetails.PathFor(viewer, model.Path)}\n"),
            Parameters(contextSize),
            descriptor.ChatTemplate ?? string.Empty,
            OllamaEndpoints.Details(model),
            info,
            ["completion"],
            OllamaEndpoints.Timestamp(modified));
    }
}
