using Workbench.Web.Hub;

namespace Workbench.Web.Tests.Hub;

/// <summary>What a user types or pastes into the Compare page's repository field.</summary>
public sealed class HubRepoInputTests
{
    [Theory]
    [InlineData("acme/Medium-GGUF", "acme/Medium-GGUF", null)]
    [InlineData("  acme/Medium-GGUF ", "acme/Medium-GGUF", null)]
    [InlineData("https://huggingface.co/acme/Medium-GGUF", "acme/Medium-GGUF", null)]
    [InlineData("huggingface.co/acme/Medium-GGUF/", "acme/Medium-GGUF", null)]
    [InlineData("https://hf.co/acme/Medium-GGUF/tree/q4", "acme/Medium-GGUF", "q4")]
    [InlineData("acme/Medium-GGUF/tree/4.0bpw", "acme/Medium-GGUF", "4.0bpw")]
    [InlineData("https://huggingface.co/acme/Medium-GGUF/blob/main/medium-F16.gguf", "acme/Medium-GGUF", "main")]
    public void An_id_or_a_hub_link_names_the_repository(string text, string repo, string? revision)
    {
        Assert.True(HubRepoInput.TryParse(text, out var input, out var problem), problem);

        Assert.Equal(repo, input.Repo.ToString());
        Assert.Equal(revision, input.Revision);
    }

    [Theory]
    [InlineData("", "Type a repository id")]
    [InlineData("https://example.com/acme/Medium-GGUF", "not a Hugging Face address")]
    [InlineData("acme", "not a repository id")]
    [InlineData("https://huggingface.co/acme/Medium-GGUF/discussions", "more than owner/name")]
    [InlineData("https://huggingface.co/acme/Medium-GGUF/tree/a%20b", "not a revision")]
    public void Anything_else_says_what_to_type(string text, string reason)
    {
        Assert.False(HubRepoInput.TryParse(text, out _, out var problem));

        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }
}
