namespace Workbench.Core.Generation;

/// <summary>A JSON Schema uses a feature the grammar converter cannot enforce; the message names it and where it is.</summary>
public sealed class JsonSchemaNotSupportedException : Exception
{
    /// <summary>A refusal naming the schema location and the feature.</summary>
    public JsonSchemaNotSupportedException(string location, string message)
        : base(message)
    {
        Location = location;
    }

    /// <summary>Where in the schema the feature is, as a path such as <c>properties.age.minimum</c> (empty: the root).</summary>
    public string Location { get; }
}
