using Workbench.Web.Hosting;

namespace Workbench.Web.Tests.Hosting;

public sealed class WorkbenchOptionsTests
{
    private readonly WorkbenchOptionsValidator _validator = new();

    [Fact]
    public void The_default_data_folder_is_under_local_application_data()
    {
        var options = new WorkbenchOptions();

        Assert.True(Path.IsPathFullyQualified(options.DataDirectory));
        Assert.EndsWith("Workbench", options.DataDirectory, StringComparison.Ordinal);
        Assert.True(_validator.Validate(null, options).Succeeded);
    }

    [Fact]
    public void A_relative_data_folder_is_rejected_naming_the_key()
    {
        var result = _validator.Validate(null, new WorkbenchOptions { DataDirectory = "data" });

        Assert.True(result.Failed);
        Assert.Contains("Workbench:DataDirectory", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_relative_model_root_is_rejected_naming_its_index()
    {
        var options = new WorkbenchOptions();
        options.ModelRoots.Add("/models");
        options.ModelRoots.Add("relative/models");

        var result = _validator.Validate(null, options);

        Assert.Contains("Workbench:ModelRoots:1", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Generated_models_and_logs_live_in_the_data_folder()
    {
        var options = new WorkbenchOptions { DataDirectory = "/srv/workbench" };

        Assert.Equal("/srv/workbench/models", options.GeneratedModelsDirectory);
        Assert.Equal("/srv/workbench/logs", options.LogsDirectory);
    }
}
