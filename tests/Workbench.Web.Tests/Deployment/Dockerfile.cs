namespace Workbench.Web.Tests.Deployment;

/// <summary>
/// A Dockerfile split into its build stages, read the way Docker reads it: comment lines
/// dropped (also inside continued instructions) and backslash-continued lines joined.
/// </summary>
internal sealed class Dockerfile
{
    private Dockerfile(IReadOnlyList<DockerfileInstruction> globalInstructions, IReadOnlyList<DockerfileStage> stages)
    {
        GlobalInstructions = globalInstructions;
        Stages = stages;
    }

    /// <summary>The instructions before the first FROM (global ARGs).</summary>
    public IReadOnlyList<DockerfileInstruction> GlobalInstructions { get; }

    public IReadOnlyList<DockerfileStage> Stages { get; }

    /// <summary>The stage the image is made of when no --target is given.</summary>
    public DockerfileStage FinalStage => Stages[^1];

    public static Dockerfile Load(string path)
    {
        var globalInstructions = new List<DockerfileInstruction>();
        var stages = new List<DockerfileStage>();
        foreach (var instruction in Instructions(File.ReadAllLines(path)))
        {
            if (instruction.Is("FROM"))
            {
                stages.Add(new DockerfileStage(instruction.Arguments));
            }
            else if (stages.Count == 0)
            {
                globalInstructions.Add(instruction);
            }
            else
            {
                stages[^1].Instructions.Add(instruction);
            }
        }

        return stages.Count > 0
            ? new Dockerfile(globalInstructions, stages)
            : throw new InvalidDataException($"{path} has no FROM instruction.");
    }

    private static IEnumerable<DockerfileInstruction> Instructions(IEnumerable<string> lines)
    {
        var pending = new List<string>();
        foreach (var rawLine in lines)
        {
            var line = rawLine.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var continues = line.EndsWith('\\');
            pending.Add(continues ? line[..^1].TrimEnd() : line);
            if (!continues)
            {
                yield return DockerfileInstruction.Parse(string.Join(' ', pending));
                pending.Clear();
            }
        }

        if (pending.Count > 0)
        {
            yield return DockerfileInstruction.Parse(string.Join(' ', pending));
        }
    }
}

/// <summary>One build stage: its FROM line and the instructions that follow it.</summary>
internal sealed class DockerfileStage
{
    public DockerfileStage(string fromArguments)
    {
        var words = fromArguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(word => !word.StartsWith("--", StringComparison.Ordinal))
            .ToArray();
        BaseImage = words.Length > 0 ? words[0] : "";
        Name = words.Length == 3 && string.Equals(words[1], "AS", StringComparison.OrdinalIgnoreCase) ? words[2] : null;
    }

    public string BaseImage { get; }

    public string? Name { get; }

    public List<DockerfileInstruction> Instructions { get; } = [];

    public IEnumerable<DockerfileInstruction> All(string keyword) => Instructions.Where(instruction => instruction.Is(keyword));
}

/// <summary>An instruction keyword (upper-cased) and the rest of its line.</summary>
internal sealed record DockerfileInstruction(string Keyword, string Arguments)
{
    public static DockerfileInstruction Parse(string line)
    {
        var spaceAt = line.IndexOf(' ', StringComparison.Ordinal);
        return spaceAt < 0
            ? new DockerfileInstruction(line.ToUpperInvariant(), "")
            : new DockerfileInstruction(line[..spaceAt].ToUpperInvariant(), line[(spaceAt + 1)..].Trim());
    }

    public bool Is(string keyword) => string.Equals(Keyword, keyword, StringComparison.Ordinal);
}
