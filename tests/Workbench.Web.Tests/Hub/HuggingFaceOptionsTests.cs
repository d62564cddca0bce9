using Workbench.Web.Hub;

namespace Workbench.Web.Tests.Hub;

public sealed class HuggingFaceOptionsTests
{
    private readonly HuggingFaceOptionsValidator _validator = new();

    [Fact]
    public void The_defaults_point_at_the_public_hub()
    {
        var options = new HuggingFaceOptions();

        Assert.True(_validator.Validate(null, options).Succeeded);
        Assert.Equal(new Uri("https://huggingface.co/"), options.EndpointUri);
    }

    [Theory]
    [InlineData("Endpoint", "ftp://mirror")]
    [InlineData("Endpoint", "huggingface.co")]
    [InlineData("MaxHeaderMiB", "0")]
    [InlineData("InitialHeaderKiB", "0")]
    [InlineData("MaxConcurrentDownloads", "0")]
    [InlineData("DiskReserveMiB", "-1")]
    public void A_bad_setting_is_rejected_naming_its_key(string key, string value)
    {
        var options = new HuggingFaceOptions();
        var property = typeof(HuggingFaceOptions).GetProperty(key)!;
        property.SetValue(options, property.PropertyType == typeof(string) ? value : Convert.ChangeType(value, property.PropertyType, System.Globalization.CultureInfo.InvariantCulture));

        var result = _validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains($"Workbench:HuggingFace:{key}", result.FailureMessage, StringComparison.Ordinal);
    }
}
