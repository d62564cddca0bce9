using Workbench.Core.Library;
using Workbench.Core.Tests.TestSupport;

namespace Workbench.Core.Tests.Library;

public sealed class OllamaStoreScanTests
{
    [Fact]
    public void A_manifest_maps_to_its_model_blob_and_is_named_name_colon_tag()
    {
        using var temp = new TempDirectory();
        var store = new OllamaStore(temp.Path);
        var blob = store.AddModel("registry.ollama.ai/library/llama3/8b");

        var model = Assert.Single(Scan(temp.Path));

        Assert.Null(model.Error);
        Assert.Equal("llama3:8b", model.Name);
        Assert.Equal("llama3:8b", model.OllamaName);
        Assert.Equal(ModelSource.Ollama, model.Source);
        Assert.Equal(ModelFormat.Gguf, model.Format);
        Assert.Equal(blob, model.PrimaryPath);
        Assert.Equal("llama", model.Architecture.Name);
        Assert.Equal("Q4_K_M", model.QuantLabel);
    }

    [Fact]
    public void The_files_are_the_manifest_and_every_layer_blob()
    {
        using var temp = new TempDirectory();
        var store = new OllamaStore(temp.Path);
        store.AddModel("registry.ollama.ai/library/llama3/8b");

        var model = Assert.Single(Scan(temp.Path));

        var expected = new[] { store.ManifestPath("registry.ollama.ai/library/llama3/8b") }
            .Concat(Directory.GetFiles(Path.Combine(temp.Path, "blobs")))
            .ToList();
        Assert.Equal(expected.Order(StringComparer.Ordinal), model.Files.Order(StringComparer.Ordinal));
        Assert.Equal(expected.Sum(f => new FileInfo(f).Length), model.FileBytes);
    }

    [Theory]
    [InlineData("registry.ollama.ai/someone/tiny/latest", "someone/tiny:latest")]
    [InlineData("hf.co/acme/Tiny-GGUF/Q4_K_M", "hf.co/acme/Tiny-GGUF:Q4_K_M")]
    public void Models_outside_the_library_namespace_keep_their_namespace_and_host(string manifest, string expectedName)
    {
        using var temp = new TempDirectory();
        new OllamaStore(temp.Path).AddModel(manifest);

        Assert.Equal(expectedName, Assert.Single(Scan(temp.Path)).Name);
    }

    [Fact]
    public void A_missing_model_blob_is_an_error()
    {
        using var temp = new TempDirectory();
        var blob = new OllamaStore(temp.Path).AddModel("registry.ollama.ai/library/llama3/8b");
        File.Delete(blob);

        var model = Assert.Single(Scan(temp.Path));

        Assert.Contains("is missing", model.Error, StringComparison.Ordinal);
        Assert.Equal("llama3:8b", model.Name);
    }

    [Fact]
    public void A_digest_that_is_not_a_sha256_is_an_error_and_never_a_path()
    {
        using var temp = new TempDirectory();
        var store = new OllamaStore(temp.Path);
        store.WriteManifest(
            "registry.ollama.ai/library/evil/latest",
            """{"layers": [{"mediaType": "application/vnd.ollama.image.model", "digest": "sha256:../../../etc/passwd", "size": 1}]}""");

        Assert.Contains("is not of the form sha256", Assert.Single(Scan(temp.Path)).Error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_ollama_store_inside_a_model_root_is_recognized()
    {
        using var temp = new TempDirectory();
        new OllamaStore(Path.Combine(temp.Path, "ollama")).AddModel("registry.ollama.ai/library/llama3/8b");

        var model = Assert.Single(new ModelFileScanner().Scan(new ModelStoreRoot(temp.Path, ModelSource.ModelRoot)));

        Assert.Equal("llama3:8b", model.OllamaName);
        Assert.Equal(ModelSource.Ollama, model.Source);
    }

    private static List<ModelDescriptor> Scan(string store) =>
        new ModelFileScanner().Scan(new ModelStoreRoot(store, ModelSource.Ollama)).ToList();

    /// <summary>An Ollama models folder: manifests/&lt;host&gt;/&lt;namespace&gt;/&lt;model&gt;/&lt;tag&gt; and blobs/sha256-&lt;hex&gt;.</summary>
    private sealed class OllamaStore(string root)
    {
        public string ManifestPath(string name) => Path.Combine([root, "manifests", .. name.Split('/')]);

        /// <summary>Writes a GGUF model blob, template and params blobs, a config blob and the manifest; returns the model blob's path.</summary>
        public string AddModel(string name)
        {
            Directory.CreateDirectory(Path.Combine(root, "blobs"));
            var modelBlob = Path.Combine(root, "blobs", "model.tmp.gguf");
            GgufFixtures.WriteModel(modelBlob);
            var modelDigest = Store(File.ReadAllBytes(modelBlob));
            File.Delete(modelBlob);
            var template = Store("{{ .Prompt }}"u8.ToArray());
            var parameters = Store("""{"stop": ["<|eot_id|>"]}"""u8.ToArray());
            var config = Store("""{"model_format": "gguf"}"""u8.ToArray());
            WriteManifest(name, $$"""
                {
                  "schemaVersion": 2,
                  "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                  "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "digest": "{{config}}", "size": 23},
                  "layers": [
                    {"mediaType": "application/vnd.ollama.image.model", "digest": "{{modelDigest}}", "size": 1},
                    {"mediaType": "application/vnd.ollama.image.template", "digest": "{{template}}", "size": 1},
                    {"mediaType": "application/vnd.ollama.image.params", "digest": "{{parameters}}", "size": 1}
                  ]
                }
                """);
            return Path.Combine(root, "blobs", modelDigest.Replace(':', '-'));
        }

        public void WriteManifest(string name, string json)
        {
            var path = ManifestPath(name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, json);
            Directory.CreateDirectory(Path.Combine(root, "blobs"));
        }

        private string Store(byte[] content)
        {
            var digest = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content));
            File.WriteAllBytes(Path.Combine(root, "blobs", digest.Replace(':', '-')), content);
            return digest;
        }
    }
}
