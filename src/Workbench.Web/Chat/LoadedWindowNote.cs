using Workbench.Web.Library;

namespace Workbench.Web.Chat;

/// <summary>
/// What chat says when the model is already loaded with a larger window than the one chosen: it answers with that
/// window as it is, since reloading smaller would cut the window of whoever asked for the larger one.
/// </summary>
public static class LoadedWindowNote
{
    /// <summary>The note, or null when the loaded window is the chosen one or smaller (then chat reloads it).</summary>
    public static string? For(string fileName, int loadedContext, int chosenContext) =>
        loadedContext > chosenContext
            ? $"{fileName} is already loaded with a window of {ModelDisplay.Context(loadedContext)} tokens, larger than the {ModelDisplay.Context(chosenContext)} chosen here. "
              + "This chat uses it as it is: reloading smaller would cut the window of every other chat or API client on this model. "
              + $"Unload the model on the Overview to have it loaded with {ModelDisplay.Context(chosenContext)}."
            : null;
}
