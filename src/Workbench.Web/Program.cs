using Workbench.Core.Protocol;
using Workbench.Web.Api;
using Workbench.Web.Components;
using Workbench.Web.Hosting;
using Workbench.Web.Workers;

var builder = WebApplication.CreateBuilder(args);
builder.Services
    .AddWorkbenchOptions(builder.Configuration)
    .AddWorkbenchLibrary()
    .AddWorkbenchWorkers()
    .AddWorkbenchUi();

var app = builder.Build();
if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
}

app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseAntiforgery();
app.MapStaticAssets();
app.MapHealthChecks("/healthz");
app.MapOpenApi();
app.MapLibraryApi();
app.MapHardwareApi();
app.MapEstimateApi();
app.MapConversationApi();
app.MapHub<WorkerHub>(WorkerHubMethods.Path);
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.Run();

/// <summary>Entry point; public so tests can host the app.</summary>
public partial class Program;
