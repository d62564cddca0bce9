using Workbench.Core.Library;
using Workbench.Web.Library;

namespace Workbench.Web.Tests.Library;

public sealed class ModelLoadFailuresTests
{
    private const string Path = "/models/bad.gguf";
    private const string Reason = "llama.cpp could not load bad.gguf: key not found in model: tokenizer.ggml.model";

    private readonly LibraryIndex _library = new();
    private readonly ModelLoadFailures _failures;

    public ModelLoadFailuresTests()
    {
        _library.Replace([Model("size 10, mtime 1")]);
        _failures = new ModelLoadFailures(_library);
    }

    [Fact]
    public void A_failed_load_is_kept_with_llama_cpps_words_and_advice()
    {
        var changes = 0;
        _failures.Changed += () => changes++;

        _failures.Record(Path, Reason);

        var failure = _failures.For(Path);
        Assert.Equal(Reason, failure?.Reason);
        Assert.StartsWith(Reason, failure?.Explained, StringComparison.Ordinal);
        Assert.Contains("Try another GGUF", failure?.Explained, StringComparison.Ordinal);
        Assert.Equal(1, changes);
    }

    [Fact]
    public void A_changed_file_is_no_longer_marked()
    {
        _failures.Record(Path, Reason);

        _library.Replace([Model("size 12, mtime 2")]);

        Assert.Null(_failures.For(Path));
    }

    [Fact]
    public void A_load_that_works_later_clears_the_mark()
    {
        _failures.Record(Path, Reason);

        _failures.Clear(Path);

        Assert.Null(_failures.For(Path));
    }

    [Fact]
    public void Other_files_are_not_marked()
    {
        _failures.Record(Path, Reason);

        Assert.Null(_failures.For("/models/good.gguf"));
    }

    private static ModelDescriptor Model(string fingerprint) => new()
    {
        Id = ModelDescriptor.CreateId(Path),
        Name = "bad",
        Format = ModelFormat.Gguf,
        PrimaryPath = Path,
        Source = ModelSource.ModelRoot,
        SourceRoot = "/models",
        Fingerprint = fingerprint,
    };
}
