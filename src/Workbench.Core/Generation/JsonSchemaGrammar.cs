using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Workbench.Core.Generation;

/// <summary>
/// Turns a JSON Schema into a llama.cpp GBNF grammar (root rule <c>root</c>), so sampling can only produce JSON that
/// follows it. Covers the subset structured-output APIs document: <c>type</c> (one or a list), <c>properties</c>,
/// <c>required</c>, <c>additionalProperties</c> (true or false: no other properties are generated), <c>items</c>,
/// <c>minItems</c>/<c>maxItems</c>, <c>enum</c>, <c>const</c>, <c>anyOf</c>, <c>minLength</c>/<c>maxLength</c> and local
/// <c>$ref</c>s into <c>$defs</c>/<c>definitions</c>; annotations (title, description…) are ignored. Anything else is
/// refused with <see cref="JsonSchemaNotSupportedException"/> rather than silently not enforced.
/// </summary>
public sealed class JsonSchemaGrammar
{
    private const int MaxIntegerDigits = 16;
    private const int MaxRepetition = 1000;

    private static readonly HashSet<string> Annotations = new(StringComparer.Ordinal)
    {
        "title", "description", "default", "examples", "$schema", "$id", "$comment", "deprecated", "readOnly", "writeOnly", "strict",
    };

    private static readonly HashSet<string> Supported = new(StringComparer.Ordinal)
    {
        "type", "properties", "required", "additionalProperties", "items", "minItems", "maxItems", "enum", "const", "anyOf",
        "minLength", "maxLength", "$ref", "$defs", "definitions",
    };

    // Whitespace between tokens: none, a space, or a newline with a bounded indent, so a model cannot pad forever.
    private const string Primitives = """
        ws ::= | " " | "\n" [ \t]{0,20}
        char ::= [^"\\\x7F\x00-\x1F] | "\\" (["\\/bfnrt] | "u" [0-9a-fA-F]{4})
        string ::= "\"" char* "\""
        integer ::= "-"? ("0" | [1-9] [0-9]{0,15})
        number ::= integer ("." [0-9]{1,16})? ([eE] [-+]? [0-9]{1,3})?
        boolean ::= "true" | "false"
        null ::= "null"
        value ::= object | array | string | number | boolean | null
        object ::= "{" ws ( string ws ":" ws value ( ws "," ws string ws ":" ws value )* )? ws "}"
        array ::= "[" ws ( value ( ws "," ws value )* )? ws "]"
        """;

    // JSON as a model would write it: quotes and backslashes escaped, other characters as they are.
    private static readonly JsonSerializerOptions PlainJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly JsonElement _root;
    private readonly Dictionary<string, string> _rules = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _refRules = new(StringComparer.Ordinal);
    private int _next;

    private JsonSchemaGrammar(JsonElement root) => _root = root;

    /// <summary>Any JSON object (OpenAI's <c>json_object</c>, Ollama's <c>"json"</c>).</summary>
    public static string AnyObject { get; } = "root ::= object\n" + Primitives + "\n";

    /// <summary>The grammar for <paramref name="schema"/>.</summary>
    /// <exception cref="JsonSchemaNotSupportedException">The schema uses a feature outside the subset.</exception>
    public static string FromSchema(JsonElement schema)
    {
        var converter = new JsonSchemaGrammar(schema);
        var root = converter.RuleFor(schema, string.Empty);
        var grammar = new StringBuilder().Append("root ::= ").Append(root).Append('\n');
        foreach (var (name, body) in converter._rules)
        {
            grammar.Append(name).Append(" ::= ").Append(body).Append('\n');
        }

        return grammar.Append(Primitives).Append('\n').ToString();
    }

    // A GBNF expression (a rule name or a literal) matching the values the schema at `location` allows.
    private string RuleFor(JsonElement schema, string location)
    {
        if (schema.ValueKind == JsonValueKind.True)
        {
            return "value";
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw new JsonSchemaNotSupportedException(location, $"{Where(location)} must be a schema object; got {schema.ValueKind.ToString().ToLowerInvariant()}.");
        }

        foreach (var keyword in schema.EnumerateObject())
        {
            if (!Supported.Contains(keyword.Name) && !Annotations.Contains(keyword.Name))
            {
                throw new JsonSchemaNotSupportedException(
                    Join(location, keyword.Name),
                    $"The JSON Schema keyword '{keyword.Name}' at {Where(location)} is not supported; supported are {string.Join(", ", Supported.Order(StringComparer.Ordinal))}.");
            }
        }

        if (schema.TryGetProperty("$ref", out var reference))
        {
            return RuleForReference(reference, Join(location, "$ref"));
        }

        if (schema.TryGetProperty("const", out var constant))
        {
            return Literal(JsonSerializer.Serialize(constant, PlainJson));
        }

        if (schema.TryGetProperty("enum", out var values))
        {
            if (values.ValueKind != JsonValueKind.Array || values.GetArrayLength() == 0)
            {
                throw new JsonSchemaNotSupportedException(Join(location, "enum"), $"enum at {Where(location)} must be a non-empty array.");
            }

            return AddRule(location, string.Join(" | ", values.EnumerateArray().Select(v => Literal(JsonSerializer.Serialize(v, PlainJson)))));
        }

        if (schema.TryGetProperty("anyOf", out var choices))
        {
            if (choices.ValueKind != JsonValueKind.Array || choices.GetArrayLength() == 0)
            {
                throw new JsonSchemaNotSupportedException(Join(location, "anyOf"), $"anyOf at {Where(location)} must be a non-empty array of schemas.");
            }

            return AddRule(location, string.Join(" | ", choices.EnumerateArray().Select((choice, i) => RuleFor(choice, Join(location, $"anyOf[{i}]")))));
        }

        if (!schema.TryGetProperty("type", out var type))
        {
            // No type: an object schema by its properties, else any JSON value.
            return schema.TryGetProperty("properties", out _) ? ObjectRule(schema, location) : "value";
        }

        if (type.ValueKind == JsonValueKind.Array)
        {
            return AddRule(location, string.Join(" | ", type.EnumerateArray().Select(t => RuleForType(schema, t.GetString(), location))));
        }

        return RuleForType(schema, type.GetString(), location);
    }

    private string RuleForType(JsonElement schema, string? type, string location) => type switch
    {
        "object" => ObjectRule(schema, location),
        "array" => ArrayRule(schema, location),
        "string" => StringRule(schema, location),
        "integer" => "integer",
        "number" => "number",
        "boolean" => "boolean",
        "null" => "null",
        _ => throw new JsonSchemaNotSupportedException(Join(location, "type"), $"The type '{type}' at {Where(location)} is not a JSON Schema type."),
    };

    private string ObjectRule(JsonElement schema, string location)
    {
        if (schema.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            throw new JsonSchemaNotSupportedException(
                Join(location, "additionalProperties"), $"additionalProperties at {Where(location)} may be true or false; a schema for them is not supported.");
        }

        if (!schema.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
        {
            // Only additional properties: any object.
            return "object";
        }

        var required = schema.TryGetProperty("required", out var names) && names.ValueKind == JsonValueKind.Array
            ? names.EnumerateArray().Select(n => n.GetString()).ToHashSet(StringComparer.Ordinal)
            : [];
        var members = properties.EnumerateObject()
            .Select(p => (Required: required.Contains(p.Name), Text: $"{Literal(JsonSerializer.Serialize(p.Name, PlainJson))} ws \":\" ws {RuleFor(p.Value, Join(location, "properties." + p.Name))}"))
            .ToList();
        var missing = required.Where(r => !properties.TryGetProperty(r!, out _)).ToList();
        if (missing.Count > 0)
        {
            throw new JsonSchemaNotSupportedException(Join(location, "required"), $"required at {Where(location)} names '{missing[0]}', which is not in its properties.");
        }

        // Required properties first, in the schema's order, then each optional one may follow.
        var mandatory = members.Where(m => m.Required).Select(m => m.Text).ToList();
        var optional = members.Where(m => !m.Required).Select(m => m.Text).ToList();
        string body;
        if (mandatory.Count > 0)
        {
            body = string.Join(" ws \",\" ws ", mandatory) + string.Concat(optional.Select(o => $" ( ws \",\" ws {o} )?"));
        }
        else
        {
            // Nothing required: any ordered subset of the optional ones, the first without a comma.
            var starts = Enumerable.Range(0, optional.Count)
                .Select(i => optional[i] + string.Concat(optional.Skip(i + 1).Select(o => $" ( ws \",\" ws {o} )?")));
            body = optional.Count == 0 ? string.Empty : $"( {string.Join(" | ", starts)} )?";
        }

        return AddRule(location, $"\"{{\" ws {body} ws \"}}\"");
    }

    private string ArrayRule(JsonElement schema, string location)
    {
        var item = schema.TryGetProperty("items", out var items) ? RuleFor(items, Join(location, "items")) : "value";
        var min = Count(schema, "minItems", location) ?? 0;
        var max = Count(schema, "maxItems", location);
        if (max < min)
        {
            throw new JsonSchemaNotSupportedException(Join(location, "maxItems"), $"maxItems at {Where(location)} is less than minItems.");
        }

        var more = $"( ws \",\" ws {item} )";
        var list = (min, max) switch
        {
            (_, 0) => string.Empty,
            (0, null) => $"( {item} {more}* )?",
            (0, var m) => $"( {item} {more}{{0,{m - 1}}} )?",
            (var n, null) => $"{item} {more}{{{n - 1},}}",
            (var n, var m) => $"{item} {more}{{{n - 1},{m - 1}}}",
        };
        return AddRule(location, $"\"[\" ws {list} ws \"]\"");
    }

    private string StringRule(JsonElement schema, string location)
    {
        var min = Count(schema, "minLength", location);
        var max = Count(schema, "maxLength", location);
        if (min is null && max is null)
        {
            return "string";
        }

        if (max < min)
        {
            throw new JsonSchemaNotSupportedException(Join(location, "maxLength"), $"maxLength at {Where(location)} is less than minLength.");
        }

        var repeat = max is null ? $"{{{min ?? 0},}}" : $"{{{min ?? 0},{max}}}";
        return AddRule(location, $"\"\\\"\" char{repeat} \"\\\"\"");
    }

    private string RuleForReference(JsonElement reference, string location)
    {
        var target = reference.GetString() ?? string.Empty;
        if (_refRules.TryGetValue(target, out var known))
        {
            return known;
        }

        var parts = target.Split('/');
        if (parts is not ["#", "$defs" or "definitions", var name] || !_root.TryGetProperty(parts[1], out var definitions)
            || !definitions.TryGetProperty(name, out var definition))
        {
            throw new JsonSchemaNotSupportedException(location, $"$ref '{target}' at {Where(location)} is not supported; only local references such as '#/$defs/Name' are.");
        }

        // Named before it is built, so a recursive definition refers to itself.
        var rule = RuleName(parts[1] + "." + name);
        _refRules[target] = rule;
        _rules[rule] = string.Empty;
        _rules[rule] = RuleFor(definition, parts[1] + "." + name);
        return rule;
    }

    private static int? Count(JsonElement schema, string keyword, string location)
    {
        if (!schema.TryGetProperty(keyword, out var value))
        {
            return null;
        }

        return value.TryGetInt32(out var count) && count is >= 0 and <= MaxRepetition
            ? count
            : throw new JsonSchemaNotSupportedException(Join(location, keyword), $"{keyword} at {Where(location)} must be a whole number from 0 to {MaxRepetition}.");
    }

    private string AddRule(string location, string body)
    {
        var name = RuleName(location);
        _rules[name] = body;
        return name;
    }

    private string RuleName(string location)
    {
        var readable = new string([.. location.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-')]).Trim('-');
        return string.Create(CultureInfo.InvariantCulture, $"r{++_next}{(readable.Length > 0 ? "-" + readable : string.Empty)}");
    }

    // A GBNF string literal matching `text` exactly.
    private static string Literal(string text)
    {
        var literal = new StringBuilder("\"");
        foreach (var c in text)
        {
            literal.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when c < ' ' => string.Create(CultureInfo.InvariantCulture, $"\\x{(int)c:X2}"),
                _ => c.ToString(),
            });
        }

        return literal.Append('"').ToString();
    }

    private static string Join(string location, string part) => location.Length == 0 ? part : location + "." + part;

    private static string Where(string location) => location.Length == 0 ? "the schema's root" : $"'{location}'";
}
