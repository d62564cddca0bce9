namespace Workbench.Web.Api.Compat;

/// <summary>
/// A request the compatible API refuses, with the status code and a message the caller can act on;
/// each API turns it into its own error shape.
/// </summary>
public sealed class ApiRequestException : Exception
{
    /// <summary>A refusal with its HTTP status, message and (OpenAI) parameter and error code.</summary>
    public ApiRequestException(int statusCode, string message, string? parameter = null, string? code = null)
        : base(message)
    {
        StatusCode = statusCode;
        Parameter = parameter;
        Code = code;
    }

    /// <summary>HTTP status of the answer.</summary>
    public int StatusCode { get; }

    /// <summary>The request field at fault, if one is.</summary>
    public string? Parameter { get; }

    /// <summary>A machine-readable code such as <c>model_not_found</c>.</summary>
    public string? Code { get; }

    /// <summary>A 400 about one parameter.</summary>
    public static ApiRequestException Invalid(string parameter, string message) => new(StatusCodes.Status400BadRequest, message, parameter, "invalid_value");
}
