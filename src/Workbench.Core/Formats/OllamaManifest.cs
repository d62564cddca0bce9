using System.Text.Json;
using System.Text.RegularExpressions;

namespace Workbench.Core.Formats;

/// <summary>
/// An Ollama manifest (<c>manifests/&lt;host&gt;/&lt;namespace&gt;/&lt;model&gt;/&lt;tag&gt;</c>): an OCI-style image manifest
/// whose layers are blobs stored as <c>blobs/sha256-&lt;hex&gt;</c>. The layer of media type
/// <see cref="ModelMediaType"/> is the GGUF file of the weights.
/// </summary>
public sealed partial class OllamaManifest
{
    public const string ModelMediaType = "application/vnd.ollama.image.model";
    public const string ProjectorMediaType = "application/vnd.ollama.image.projector";
    public const string AdapterMediaType = "application/vnd.ollama.image.adapter";
    public const string TemplateMediaType = "application/vnd.ollama.image.template";

    /// <summary>Largest manifest read; real ones are under 2 KB.</summary>
    public const int MaxManifestBytes = 1024 * 1024;

    private OllamaManifest(IReadOnlyList<OllamaLayer> layers, OllamaLayer? config)
    {
        Layers = layers;
        Config = config;
    }

    /// <summary>Layers in manifest order.</summary>
    public IReadOnlyList<OllamaLayer> Layers { get; }

    /// <summary>The image config blob, when the manifest names one.</summary>
    public OllamaLayer? Config { get; }

    /// <summary>The weights layer (a GGUF blob); null when the manifest has none.</summary>
    public OllamaLayer? ModelLayer => Layers.FirstOrDefault(l => l.MediaType == ModelMediaType);

    /// <summary>Reads the manifest at <paramref name="path"/>.</summary>
    /// <exception cref="ModelFormatException">The file is not a well-formed manifest.</exception>
    public static OllamaManifest ReadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var document = JsonFiles.ReadObject(path, MaxManifestBytes);
        return From(document.RootElement, Path.GetFileName(path));
    }

    /// <summary>Parses manifest JSON.</summary>
    /// <exception cref="ModelFormatException">The text is not a well-formed manifest.</exception>
    public static OllamaManifest Parse(string json, string name = "manifest")
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = JsonFiles.ParseObject(System.Text.Encoding.UTF8.GetBytes(json), name);
        return From(document.RootElement, name);
    }

    private static OllamaManifest From(JsonElement root, string name)
    {
        if (!JsonFiles.TryGet(root, "layers", out var layersValue) || layersValue.ValueKind != JsonValueKind.Array)
        {
            throw new ModelFormatException($"Ollama manifest {name}: no \"layers\" array");
        }

        var layers = new List<OllamaLayer>();
        foreach (var layer in layersValue.EnumerateArray())
        {
            layers.Add(ReadLayer(layer, name));
        }

        var config = JsonFiles.GetObject(root, "config") is { } c ? ReadLayer(c, name) : null;
        return new OllamaManifest(layers.AsReadOnly(), config);
    }

    private static OllamaLayer ReadLayer(JsonElement layer, string name)
    {
        var mediaType = JsonFiles.GetString(layer, "mediaType");
        var digest = JsonFiles.GetString(layer, "digest");
        if (mediaType is null || digest is null)
        {
            throw new ModelFormatException($"Ollama manifest {name}: a layer lacks \"mediaType\" or \"digest\"");
        }

        // The digest becomes a file name: accept only the exact sha256 form, so it cannot point outside blobs/.
        if (!DigestPattern().IsMatch(digest))
        {
            throw new ModelFormatException($"Ollama manifest {name}: layer digest '{digest}' is not of the form sha256:<64 hex digits>");
        }

        var size = JsonFiles.GetInt64(layer, "size");
        return new OllamaLayer(mediaType, digest, size is >= 0 ? size : null);
    }

    [GeneratedRegex("^sha256:[0-9a-f]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex DigestPattern();
}

/// <summary>One layer of an <see cref="OllamaManifest"/>.</summary>
/// <param name="MediaType">e.g. "application/vnd.ollama.image.model".</param>
/// <param name="Digest">"sha256:&lt;64 hex digits&gt;", already validated.</param>
/// <param name="Size">Size the manifest states, if any.</param>
public sealed record OllamaLayer(string MediaType, string Digest, long? Size)
{
    /// <summary>The blob's file name under <c>blobs/</c>: the digest with ':' replaced by '-'.</summary>
    public string BlobFileName => Digest.Replace(':', '-');
}
