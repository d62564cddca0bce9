using Workbench.Core.DemoModel;

namespace Workbench.Worker.Tests.Runtime;

/// <summary>A demo model generated once per test run by our own GGUF writer.</summary>
public sealed class DemoModelFixture : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("workbench-worker-tests-");

    public DemoModelFixture()
    {
        ModelPath = Path.Combine(_directory.FullName, "demo.gguf");
        DemoModelGenerator.Write(ModelPath);
    }

    /// <summary>Path of the generated model.</summary>
    public string ModelPath { get; }

    public void Dispose() => _directory.Delete(recursive: true);
}
