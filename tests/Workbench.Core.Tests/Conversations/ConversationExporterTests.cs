using Workbench.Core.Conversations;
using Workbench.Core.Protocol;

namespace Workbench.Core.Tests.Conversations;

public sealed class ConversationExporterTests
{
    private static readonly Guid Id = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");

    private static ConversationTranscript Transcript(string systemPrompt = "You are terse.") => new(
        new Conversation(
            Id,
            "Bread basics",
            new DateTimeOffset(2026, 11, 28, 9, 30, 0, TimeSpan.FromHours(1)),
            new DateTimeOffset(2026, 11, 28, 8, 45, 0, TimeSpan.Zero),
            new ConversationSettings(systemPrompt, new SamplingSettings { Temperature = 0.7f, TopK = 20, MaxTokens = 512, Seed = 3 }, "/models/qwen/Qwen-7B-Q4_K_M.gguf")),
        [
            new ConversationMessage(0, "user", "How long do I knead?", null, false),
            new ConversationMessage(1, "assistant", "About **10 minutes**.", new GenerationCompletion(GenerationOutcome.Completed, null, 12, 6, 40, 140, 2048), false),
            new ConversationMessage(2, "user", "And proofing?", null, false),
            new ConversationMessage(3, "assistant", "Until it doubles, usually", new GenerationCompletion(GenerationOutcome.Cancelled, null, 30, 5, 40, 90, 2048), true),
        ]);

    [Fact]
    public void Markdown_has_the_title_settings_system_prompt_and_each_message_under_its_role()
    {
        var markdown = ConversationExporter.ToMarkdown(Transcript());

        Assert.Equal(
            """
            # Bread basics

            - Created: 2026-11-28 08:30 UTC
            - Updated: 2026-11-28 08:45 UTC
            - Model: Qwen-7B-Q4_K_M.gguf
            - Sampling: temperature 0.7, top-p 0.95, top-k 20, min-p 0.05, repeat penalty 1.1, max tokens 512, seed 3

            ## System

            You are terse.

            ## User

            How long do I knead?

            ## Assistant

            About **10 minutes**.

            ## User

            And proofing?

            ## Assistant

            Until it doubles, usually

            _Stopped before the end._

            """.ReplaceLineEndings("\n"),
            markdown);
    }

    [Fact]
    public void Markdown_leaves_out_an_empty_system_prompt_and_marks_an_interrupted_empty_answer()
    {
        var transcript = Transcript(systemPrompt: "") with
        {
            Messages = [new ConversationMessage(0, "user", "Hi", null, false), new ConversationMessage(1, "assistant", "", null, true)],
        };

        var markdown = ConversationExporter.ToMarkdown(transcript);

        Assert.DoesNotContain("## System", markdown, StringComparison.Ordinal);
        Assert.EndsWith("## User\n\nHi\n\n## Assistant\n\n_Interrupted before the end._\n", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_holds_everything_stored_with_camel_case_names_and_enums_by_name()
    {
        var transcript = Transcript() with { Messages = [.. Transcript().Messages.Take(2)] };

        var json = ConversationExporter.ToJson(transcript);

        Assert.Equal(
            """
            {
              "id": "0f8fad5b-d9cb-469f-a165-70867728950e",
              "title": "Bread basics",
              "createdAt": "2026-11-28T09:30:00+01:00",
              "updatedAt": "2026-11-28T08:45:00+00:00",
              "modelPath": "/models/qwen/Qwen-7B-Q4_K_M.gguf",
              "systemPrompt": "You are terse.",
              "sampling": {
                "temperature": 0.7,
                "topP": 0.95,
                "topK": 20,
                "minP": 0.05,
                "repeatPenalty": 1.1,
                "maxTokens": 512,
                "seed": 3,
                "ignoreEndOfSequence": false
              },
              "messages": [
                {
                  "role": "user",
                  "content": "How long do I knead?",
                  "incomplete": false,
                  "completion": null
                },
                {
                  "role": "assistant",
                  "content": "About **10 minutes**.",
                  "incomplete": false,
                  "completion": {
                    "outcome": "Completed",
                    "error": null,
                    "promptTokens": 12,
                    "generatedTokens": 6,
                    "timeToFirstTokenMs": 40,
                    "totalMs": 140,
                    "contextSize": 2048,
                    "stoppedAtContextEnd": false,
                    "tokensPerSecond": 50
                  }
                }
              ]
            }

            """.ReplaceLineEndings("\n"),
            json);
    }

    [Theory]
    [InlineData("markdown", ConversationExportFormat.Markdown)]
    [InlineData("JSON", ConversationExportFormat.Json)]
    public void Format_names_are_read_in_any_case(string name, ConversationExportFormat expected)
    {
        Assert.True(ConversationExporter.TryParseFormat(name, out var format));
        Assert.Equal(expected, format);
    }

    [Theory]
    [InlineData("pdf")]
    [InlineData("1")]
    [InlineData("")]
    [InlineData(null)]
    public void Other_format_names_are_refused(string? name)
    {
        Assert.False(ConversationExporter.TryParseFormat(name, out _));
    }

    [Fact]
    public void The_file_name_comes_from_the_title_with_only_safe_characters()
    {
        var conversation = Transcript().Conversation with { Title = "Why is \"Q4_K_M\" smaller? / notes" };

        Assert.Equal("why-is-q4-k-m-smaller-notes.md", ConversationExporter.FileName(conversation, ConversationExportFormat.Markdown));
        Assert.Equal("conversation.json", ConversationExporter.FileName(conversation with { Title = "¿?" }, ConversationExportFormat.Json));
    }
}
