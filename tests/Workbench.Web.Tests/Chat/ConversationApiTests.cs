using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Workbench.Core.Conversations;
using Workbench.Core.Protocol;
using Workbench.Web.Chat;

namespace Workbench.Web.Tests.Chat;

/// <summary>The conversation export endpoint through the real pipeline and a real database.</summary>
public sealed class ConversationApiTests : IAsyncLifetime
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("workbench-conversations-api-");
    private WebApplicationFactory<Program> _factory = null!;
    private HttpClient _client = null!;
    private ConversationTranscript _saved = null!;

    public async Task InitializeAsync()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Workbench:DataDirectory", _data.FullName);
            b.UseSetting("Workbench:DiscoverKnownStores", "false");
            b.UseSetting("Workbench:GenerateDemoModel", "false");
            b.UseSetting("Workbench:Supervisor:StartLocalWorker", "false");
        });
        _client = _factory.CreateClient();
        var store = _factory.Services.GetRequiredService<ConversationStore>();
        var conversation = await store.CreateAsync(ConversationCaller.LocalOwner, "Kneading: how long?", ConversationSettings.Default);
        await store.SaveMessageAsync(conversation.Id, new ConversationMessage(0, "user", "How long do I knead?", null, false));
        await store.SaveMessageAsync(conversation.Id, new ConversationMessage(1, "assistant", "Ten minutes", new GenerationCompletion(GenerationOutcome.Cancelled, null, 9, 2, 5, 20, 2048), true));
        _saved = (await store.GetAsync(ConversationCaller.LocalOwner, conversation.Id))!;
    }

    [Fact]
    public async Task Markdown_export_is_an_attachment_with_the_exporters_text()
    {
        var response = await _client.GetAsync(ExportUri("markdown"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/markdown", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("kneading-how-long.md", response.Content.Headers.ContentDisposition?.FileNameStar);
        Assert.Equal(ConversationExporter.ToMarkdown(_saved), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Json_export_holds_the_messages_and_the_unfinished_answer_is_marked()
    {
        var response = await _client.GetAsync(ExportUri("json"));
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("kneading-how-long.json", response.Content.Headers.ContentDisposition?.FileNameStar);
        var messages = json.GetProperty("messages");
        Assert.Equal("How long do I knead?", messages[0].GetProperty("content").GetString());
        Assert.True(messages[1].GetProperty("incomplete").GetBoolean());
        Assert.Equal("Cancelled", messages[1].GetProperty("completion").GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task An_unknown_format_is_a_400_naming_the_allowed_ones()
    {
        var response = await _client.GetAsync(ExportUri("pdf"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("'pdf'", body, StringComparison.Ordinal);
        Assert.Contains("markdown, json", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0f8fad5b-d9cb-469f-a165-70867728950e")]
    [InlineData("not-a-guid")]
    public async Task An_unknown_conversation_is_a_404_problem_naming_the_id(string id)
    {
        var response = await _client.GetAsync(new Uri($"/workbench/v1/conversations/{id}/export?format=json", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"'{id}'", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_export_endpoint()
    {
        var document = await _client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var export = document.GetProperty("paths").GetProperty("/workbench/v1/conversations/{id}/export").GetProperty("get");
        Assert.Equal("ExportConversation", export.GetProperty("operationId").GetString());
        Assert.True(export.GetProperty("responses").TryGetProperty("404", out _));
    }

    private Uri ExportUri(string format) =>
        new($"/workbench/v1/conversations/{_saved.Conversation.Id}/export?format={format}", UriKind.Relative);

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Delete(recursive: true);
    }
}
