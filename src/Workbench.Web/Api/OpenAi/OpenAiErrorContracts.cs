using System.Text.Json.Serialization;

namespace Workbench.Web.Api.OpenAi;

/// <summary>OpenAI's error body: <c>{"error":{"message","type","param","code"}}</c>.</summary>
public sealed record OpenAiErrorEnvelope(OpenAiError Error);

/// <summary>The error inside <see cref="OpenAiErrorEnvelope"/>.</summary>
public sealed record OpenAiError(
    string Message,
    string Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Param,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Code);
