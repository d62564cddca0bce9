using Microsoft.Extensions.Logging.Abstractions;
using Workbench.Web.Data;
using Workbench.Web.Estimation;
using Workbench.Web.Library;
using Workbench.Web.Hosting;
using Workbench.Web.Workers;

namespace Workbench.Web.Tests.Estimation;

/// <summary>A real <see cref="LoadMeasurements"/> over a SQLite database in <paramref name="dataDirectory"/>.</summary>
internal static class TestLoadMeasurements
{
    public static LoadMeasurements Create(WorkerRegistry workers, LibraryIndex library, EstimationModelSource source, DirectoryInfo dataDirectory) =>
        new(workers, library, new LoadedModelEstimates(library, source), Store(dataDirectory), TimeProvider.System, NullLogger<LoadMeasurements>.Instance);

    public static LoadMeasurementStore Store(DirectoryInfo dataDirectory) =>
        new(new WorkbenchDatabase(Microsoft.Extensions.Options.Options.Create(new WorkbenchOptions { DataDirectory = dataDirectory.FullName })));
}
