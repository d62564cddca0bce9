using YamlDotNet.RepresentationModel;

namespace Workbench.Web.Tests.Deployment;

/// <summary>
/// A read-only view of a Compose file, parsed with YamlDotNet's representation model. It
/// understands both the short and the long syntax of the entries the tests look at.
/// </summary>
internal sealed class ComposeFile
{
    private readonly YamlMappingNode _root;

    private ComposeFile(YamlMappingNode root) => _root = root;

    public static ComposeFile Load(string path)
    {
        using var reader = File.OpenText(path);
        var stream = new YamlStream();
        stream.Load(reader);
        var root = stream.Documents.Count == 1 ? stream.Documents[0].RootNode as YamlMappingNode : null;
        return new ComposeFile(root ?? throw new InvalidDataException($"{path} is not a single YAML mapping."));
    }

    public IReadOnlyList<string> ServiceNames => Yaml.Keys(Yaml.Mapping(_root, "services"));

    /// <summary>Names of the volumes declared in the top-level <c>volumes:</c> section.</summary>
    public IReadOnlyList<string> DeclaredVolumes => Yaml.Keys(Yaml.Mapping(_root, "volumes"));

    public ComposeService? Service(string name) =>
        Yaml.Mapping(Yaml.Mapping(_root, "services"), name) is { } service ? new ComposeService(service) : null;
}

/// <summary>One entry of the <c>services:</c> section.</summary>
internal sealed class ComposeService(YamlMappingNode node)
{
    public string? Restart => Yaml.Scalar(node, "restart");

    /// <summary>The build context: <c>build: PATH</c> or <c>build: {context: PATH}</c>.</summary>
    public string? BuildContext => Yaml.Child(node, "build") switch
    {
        YamlScalarNode context => context.Value,
        YamlMappingNode build => Yaml.Scalar(build, "context"),
        _ => null,
    };

    public string? BuildDockerfile => Yaml.Mapping(node, "build") is { } build ? Yaml.Scalar(build, "dockerfile") : null;

    public IReadOnlyDictionary<string, string?> BuildArgs =>
        Yaml.KeyValues(Yaml.Mapping(node, "build") is { } build ? Yaml.Child(build, "args") : null);

    public IReadOnlyDictionary<string, string?> Environment => Yaml.KeyValues(Yaml.Child(node, "environment"));

    public IReadOnlyList<PortMapping> Ports => Yaml.Items(Yaml.Child(node, "ports")).Select(PortMapping.Parse).ToList();

    public IReadOnlyList<VolumeMount> Volumes => Yaml.Items(Yaml.Child(node, "volumes")).Select(VolumeMount.Parse).ToList();

    /// <summary>The health check's command as one line, without its CMD / CMD-SHELL prefix.</summary>
    public string? HealthcheckCommand
    {
        get
        {
            var test = Yaml.Mapping(node, "healthcheck") is { } healthcheck ? Yaml.Child(healthcheck, "test") : null;
            return test switch
            {
                YamlScalarNode command => command.Value,
                YamlSequenceNode parts => string.Join(' ', parts.Children.Skip(1).Select(Yaml.Text)),
                _ => null,
            };
        }
    }

    /// <summary>The entries of <c>deploy.resources.reservations.devices</c>.</summary>
    public IReadOnlyList<DeviceReservation> DeviceReservations
    {
        get
        {
            var devices = Yaml.Child(
                Yaml.Mapping(Yaml.Mapping(Yaml.Mapping(node, "deploy"), "resources"), "reservations"),
                "devices");
            return Yaml.Items(devices).OfType<YamlMappingNode>().Select(DeviceReservation.From).ToList();
        }
    }
}

/// <summary>A published port: short syntax <c>[[HOST_IP:]PUBLISHED:]TARGET[/PROTOCOL]</c> or long syntax.</summary>
internal sealed record PortMapping(string? Published, string Target)
{
    public static PortMapping Parse(YamlNode entry)
    {
        if (entry is YamlMappingNode longSyntax)
        {
            return new PortMapping(Yaml.Scalar(longSyntax, "published"), Yaml.Scalar(longSyntax, "target") ?? "");
        }

        var text = Yaml.Text(entry);
        var protocolAt = text.IndexOf('/', StringComparison.Ordinal);
        var parts = (protocolAt < 0 ? text : text[..protocolAt]).Split(':');
        return new PortMapping(parts.Length > 1 ? parts[^2] : null, parts[^1]);
    }
}

/// <summary>A mount: short syntax <c>SOURCE:TARGET[:MODE]</c> or long syntax.</summary>
internal sealed record VolumeMount(string Type, string? Source, string Target, bool ReadOnly)
{
    public static VolumeMount Parse(YamlNode entry)
    {
        if (entry is YamlMappingNode longSyntax)
        {
            return new VolumeMount(
                Yaml.Scalar(longSyntax, "type") ?? "volume",
                Yaml.Scalar(longSyntax, "source"),
                Yaml.Scalar(longSyntax, "target") ?? "",
                string.Equals(Yaml.Scalar(longSyntax, "read_only"), "true", StringComparison.OrdinalIgnoreCase));
        }

        var parts = Yaml.Text(entry).Split(':');
        if (parts.Length == 1)
        {
            return new VolumeMount("volume", null, parts[0], ReadOnly: false);
        }

        var source = parts[0];
        var isHostPath = source.StartsWith('/') || source.StartsWith('.') || source.StartsWith('~');
        var readOnly = parts.Length > 2 && parts[2].Split(',').Contains("ro", StringComparer.Ordinal);
        return new VolumeMount(isHostPath ? "bind" : "volume", source, parts[1], readOnly);
    }
}

/// <summary>One device request of <c>deploy.resources.reservations.devices</c>.</summary>
internal sealed record DeviceReservation(string? Driver, string? Count, IReadOnlyList<string> Capabilities)
{
    public static DeviceReservation From(YamlMappingNode device) => new(
        Yaml.Scalar(device, "driver"),
        Yaml.Scalar(device, "count"),
        Yaml.Items(Yaml.Child(device, "capabilities")).Select(Yaml.Text).ToList());
}

/// <summary>Null-tolerant navigation of YamlDotNet's representation model.</summary>
internal static class Yaml
{
    public static YamlNode? Child(YamlMappingNode? mapping, string key) =>
        mapping?.Children.FirstOrDefault(child => child.Key is YamlScalarNode { Value: var name } && name == key).Value;

    public static YamlMappingNode? Mapping(YamlMappingNode? mapping, string key) => Child(mapping, key) as YamlMappingNode;

    public static string? Scalar(YamlMappingNode? mapping, string key) => (Child(mapping, key) as YamlScalarNode)?.Value;

    public static string Text(YamlNode node) => (node as YamlScalarNode)?.Value ?? "";

    public static IReadOnlyList<string> Keys(YamlMappingNode? mapping) =>
        mapping?.Children.Keys.Select(Text).ToList() ?? [];

    public static IEnumerable<YamlNode> Items(YamlNode? node) => (node as YamlSequenceNode)?.Children ?? [];

    /// <summary>
    /// The entries of a Compose dictionary that may be written as a mapping (<c>KEY: value</c>)
    /// or as a list (<c>- KEY=value</c>, <c>- KEY</c>), as <c>environment</c> and <c>build.args</c> can.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> KeyValues(YamlNode? node)
    {
        var entries = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (node is YamlMappingNode mapping)
        {
            foreach (var (key, value) in mapping.Children)
            {
                entries[Text(key)] = (value as YamlScalarNode)?.Value;
            }
        }

        foreach (var item in Items(node))
        {
            var text = Text(item);
            var equalsAt = text.IndexOf('=', StringComparison.Ordinal);
            entries[equalsAt < 0 ? text : text[..equalsAt]] = equalsAt < 0 ? null : text[(equalsAt + 1)..];
        }

        return entries;
    }
}
