using Workbench.Core.Library;
using Workbench.Web.Api.Compat;

namespace Workbench.Web.Tests.Api.Compat;

public sealed class ServableModelNamesTests
{
    private static ModelDescriptor Model(string path, string? ollamaName = null) => new()
    {
        Id = Path.GetFileNameWithoutExtension(path) + "-" + path.GetHashCode(StringComparison.Ordinal).ToString("x", System.Globalization.CultureInfo.InvariantCulture),
        Name = Path.GetFileNameWithoutExtension(path),
        Format = ModelFormat.Gguf,
        PrimaryPath = path,
        Source = ModelSource.ModelRoot,
        SourceRoot = "/models",
        OllamaName = ollamaName,
    };

    [Fact]
    public void A_name_only_one_file_has_stays_as_it_is()
    {
        var models = ServableModelNames.Assign([Model("/models/a/qwen.gguf"), Model("/models/b/llama.gguf")]);

        Assert.Equal(["llama", "qwen"], models.Select(m => m.Name));
    }

    [Fact]
    public void Files_sharing_a_name_get_their_folder_in_front()
    {
        var models = ServableModelNames.Assign([Model("/models/work/model.gguf"), Model("/models/home/model.gguf"), Model("/models/x/other.gguf")]);

        Assert.Equal(["home/model", "other", "work/model"], models.Select(m => m.Name));
    }

    [Fact]
    public void Folders_are_added_until_the_names_differ()
    {
        var models = ServableModelNames.Assign([Model("/a/q4/model.gguf"), Model("/b/q4/model.gguf")]);

        Assert.Equal(["a/q4/model", "b/q4/model"], models.Select(m => m.Name));
    }

    [Fact]
    public void The_plain_name_still_answers_for_each_and_the_id_names_exactly_one()
    {
        var models = ServableModelNames.Assign([Model("/models/work/model.gguf"), Model("/models/home/model.gguf")]);

        Assert.All(models, m => Assert.True(m.Answers("model")));
        Assert.Single(models, m => m.IsNamed("work/model:latest"));
    }
}
