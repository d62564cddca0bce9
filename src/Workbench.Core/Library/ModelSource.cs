namespace Workbench.Core.Library;

/// <summary>Where a model was found, which decides how its folder is laid out and how it is named.</summary>
public enum ModelSource
{
    /// <summary>A folder the user chose: GGUF files and Hugging Face model folders anywhere below it.</summary>
    ModelRoot,

    /// <summary>The Hugging Face hub cache (<c>models--org--name/snapshots/&lt;revision&gt;/…</c>).</summary>
    HuggingFaceCache,

    /// <summary>LM Studio's models folder (<c>&lt;publisher&gt;/&lt;repository&gt;/*.gguf</c>).</summary>
    LmStudio,

    /// <summary>Ollama's models folder (manifests and content-addressed blobs).</summary>
    Ollama,

    /// <summary>text-generation-webui's <c>models/</c> folder (laid out like a model root).</summary>
    TextGenerationWebUi,
}
