namespace Workbench.Web.Api.Ollama;

/// <summary>
/// <c>HEAD /</c> answers 200 before sign-in is asked for: the ollama CLI and several Ollama clients check that the
/// server is up this way. Only HEAD: <c>GET /</c> stays the dashboard's page, behind its sign-in.
/// </summary>
public static class OllamaHeartbeat
{
    /// <summary>Adds the answer; call before the security middleware.</summary>
    public static WebApplication UseOllamaHeartbeat(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use((context, next) =>
        {
            if (!HttpMethods.IsHead(context.Request.Method) || context.Request.Path != "/")
            {
                return next(context);
            }

            // Ollama's own GET / says "Ollama is running"; a HEAD carries the length of that text and no body.
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "text/plain; charset=utf-8";
            context.Response.ContentLength = "Ollama is running".Length;
            return Task.CompletedTask;
        });
        return app;
    }
}
