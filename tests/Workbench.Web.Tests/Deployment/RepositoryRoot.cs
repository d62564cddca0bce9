namespace Workbench.Web.Tests.Deployment;

/// <summary>Finds files at the top of the repository from the tests' output folder.</summary>
internal static class RepositoryRoot
{
    private const string SolutionFileName = "Workbench.sln";

    private static readonly Lazy<string> Root = new(Find);

    /// <summary>The full path of <paramref name="relativePath"/> below the repository root.</summary>
    public static string PathOf(string relativePath) => Path.Combine(Root.Value, relativePath);

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, SolutionFileName)))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No {SolutionFileName} found in {AppContext.BaseDirectory} or any folder above it.");
    }
}
