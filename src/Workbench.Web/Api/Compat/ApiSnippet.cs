namespace Workbench.Web.Api.Compat;

/// <summary>A copy-paste example of calling this host's API, shown on the settings page.</summary>
/// <param name="Title">What it uses ("curl", "Python (openai)", "C# (OllamaSharp)").</param>
/// <param name="Code">The code, with this host's address, a model and the key filled in.</param>
public sealed record ApiSnippet(string Title, string Code)
{
    /// <summary>Snippets for a host at <paramref name="baseUri"/>, asking <paramref name="model"/>, sending <paramref name="key"/>.</summary>
    public static IReadOnlyList<ApiSnippet> For(Uri baseUri, string model, string key)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        var root = baseUri.GetLeftPart(UriPartial.Authority);
        return
        [
            new("curl", $$"""
                curl {{root}}/v1/chat/completions \
                  -H "Authorization: Bearer {{key}}" \
                  -H "Content-Type: application/json" \
                  -d '{"model": "{{model}}", "messages": [{"role": "user", "content": "Hello"}], "stream": true}'
                """),
            new("Python (openai)", $$"""
                from openai import OpenAI

                client = OpenAI(base_url="{{root}}/v1", api_key="{{key}}")
                reply = client.chat.completions.create(
                    model="{{model}}",
                    messages=[{"role": "user", "content": "Hello"}],
                )
                print(reply.choices[0].message.content)
                """),
            new("C# (OllamaSharp)", $$"""
                using OllamaSharp;

                var http = new HttpClient { BaseAddress = new Uri("{{root}}") };
                http.DefaultRequestHeaders.Authorization = new("Bearer", "{{key}}");
                var ollama = new OllamaApiClient(http, "{{model}}");
                await foreach (var piece in ollama.GenerateAsync("Hello"))
                    Console.Write(piece?.Response);
                """),
        ];
    }
}
