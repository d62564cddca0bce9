namespace Workbench.Web.Chat;

/// <summary>Whether chat can answer with a model right now.</summary>
public enum ChatModelState
{
    /// <summary>The model (or, when none was chosen, some model) is loaded.</summary>
    Ready,

    /// <summary>A worker is there but has another model or none loaded.</summary>
    NeedsLoading,

    /// <summary>No worker has connected.</summary>
    NoWorker,

    /// <summary>Nothing is loaded and no model was chosen.</summary>
    NoModelChosen,
}
