using Workbench.Core.Protocol;
using Workbench.Web.Api;
using Workbench.Web.Api.Compat;
using Workbench.Web.Api.Ollama;
using Workbench.Web.Api.OpenAi;
using Workbench.Web.Components;
using Workbench.Web.Data;
using Workbench.Web.Hosting;
using Workbench.Web.Security;
using Workbench.Web.Workers;

var builder = WebApplication.CreateBuilder(args);
builder.UseWorkbenchHosting();
builder.Services
    .AddWorkbenchOptions(builder.Configuration)
    .AddWorkbenchSecurity(builder.Configuration)
    .AddWorkbenchLibrary()
    .AddWorkbenchWorkers()
    .AddWorkbenchApi(builder.Configuration)
    .AddWorkbenchHub(builder.Configuration)
    .AddWorkbenchUi();

var app = builder.Build();
if (DataFolderCheck.Problem(app.Services) is { } unusable)
{
    Console.Error.WriteLine(unusable);
    return 1;
}

// In every environment: a client on the LAN never gets a stack trace (the developer page would show one).
app.UseExceptionHandler("/Error", createScopeForErrors: true);

app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseOllamaHeartbeat();
app.UseMiddleware<ApiCors>();
app.UseWorkbenchSecurity();
app.UseAntiforgery();
app.MapStaticAssets().AllowAnonymous();
app.MapHealthChecks("/healthz", Workbench.Web.Workers.WorkerHealthCheck.Options).AllowAnonymous();
app.MapSignIn();
// The API description holds no data; scripts may read it before they have a key.
app.MapOpenApi().AllowAnonymous();
app.MapLibraryApi();
app.MapHardwareApi();
app.MapEstimateApi();
app.MapHubApi();
app.MapDownloadApi();
app.MapWorkerApi();
app.MapConversationApi();
app.MapAccessTokenApi();
app.MapOpenAiApi();
app.MapOllamaApi();
app.MapHub<WorkerHub>(WorkerHubMethods.Path).RequireAuthorization(WorkbenchSecurityExtensions.WorkerPolicy);
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.Run();
return 0;

/// <summary>Entry point; public so tests can host the app.</summary>
public partial class Program;
