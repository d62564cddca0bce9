namespace Workbench.Web.Library;

/// <summary>Why a folder is scanned, which decides whether the settings page may remove it.</summary>
public enum ModelRootOrigin
{
    /// <summary>From configuration (<c>Workbench:ModelRoots</c>); changed there, not on the page.</summary>
    Configured,

    /// <summary>Added on the settings page; removable there.</summary>
    Added,

    /// <summary>Where the app writes the models it generates (the demo model).</summary>
    Generated,

    /// <summary>Another tool's store found on this machine (Hugging Face cache, LM Studio, Ollama, text-generation-webui).</summary>
    Discovered,
}
