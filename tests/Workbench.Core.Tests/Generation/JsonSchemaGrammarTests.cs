using System.Text.Json;
using Workbench.Core.Generation;

namespace Workbench.Core.Tests.Generation;

public sealed class JsonSchemaGrammarTests
{
    private static string Grammar(string schema)
    {
        using var document = JsonDocument.Parse(schema);
        return JsonSchemaGrammar.FromSchema(document.RootElement);
    }

    private static string Rule(string grammar, string name) =>
        grammar.Split('\n').Single(line => line.StartsWith(name + " ::= ", StringComparison.Ordinal))[(name.Length + 5)..];

    [Fact]
    public void An_object_lists_its_required_properties_in_order_then_the_optional_ones_as_optional()
    {
        var grammar = Grammar("""{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"},"note":{"type":"string"}},"required":["name","age"]}""");

        var root = Rule(grammar, "root");
        var body = Rule(grammar, root);
        Assert.Equal("""
            "{" ws "\"name\"" ws ":" ws string ws "," ws "\"age\"" ws ":" ws integer ( ws "," ws "\"note\"" ws ":" ws string )? ws "}"
            """, body);
    }

    [Fact]
    public void Without_required_properties_any_ordered_subset_is_allowed()
    {
        var grammar = Grammar("""{"type":"object","properties":{"a":{"type":"boolean"},"b":{"type":"null"}}}""");

        var body = Rule(grammar, Rule(grammar, "root"));
        Assert.Contains("""( "\"a\"" ws ":" ws boolean ( ws "," ws "\"b\"" ws ":" ws null )? | "\"b\"" ws ":" ws null )?""", body, StringComparison.Ordinal);
    }

    [Fact]
    public void Enum_values_become_literal_alternatives_with_quotes_escaped()
    {
        var grammar = Grammar("""{"enum":["red","say \"hi\"",3,null]}""");

        Assert.Equal("""
            "\"red\"" | "\"say \\\"hi\\\"\"" | "3" | "null"
            """, Rule(grammar, Rule(grammar, "root")));
    }

    [Fact]
    public void Array_bounds_and_string_lengths_become_repetitions()
    {
        var grammar = Grammar("""{"type":"array","items":{"type":"string","maxLength":5},"minItems":1,"maxItems":3}""");

        Assert.Contains("""char{0,5}""", grammar, StringComparison.Ordinal);
        Assert.Contains("""( ws "," ws r1-items ){0,2}""", grammar, StringComparison.Ordinal);
    }

    [Fact]
    public void A_local_reference_becomes_a_named_rule_so_recursion_works()
    {
        var grammar = Grammar("""
            {"$defs":{"Node":{"type":"object","properties":{"children":{"type":"array","items":{"$ref":"#/$defs/Node"}}},"required":["children"]}},
             "$ref":"#/$defs/Node"}
            """);

        var node = Rule(grammar, "root");
        Assert.StartsWith("r", node, StringComparison.Ordinal);
        var array = Rule(grammar, Rule(grammar, node)).Split(' ').Single(p => p.EndsWith("-children", StringComparison.Ordinal));
        Assert.True(Rule(grammar, array).Contains(node, StringComparison.Ordinal), grammar);
    }

    [Theory]
    [InlineData("""{"type":"object","properties":{"age":{"type":"integer","minimum":0}}}""", "properties.age.minimum", "'minimum'")]
    [InlineData("""{"type":"string","pattern":"^a+$"}""", "pattern", "'pattern'")]
    [InlineData("""{"oneOf":[{"type":"string"}]}""", "oneOf", "'oneOf'")]
    [InlineData("""{"type":"object","additionalProperties":{"type":"string"}}""", "additionalProperties", "a schema for them")]
    [InlineData("""{"$ref":"https://example.com/schema"}""", "$ref", "local references")]
    [InlineData("""{"type":"object","properties":{},"required":["x"]}""", "required", "'x'")]
    public void An_unsupported_feature_is_refused_naming_it_and_where_it_is(string schema, string location, string messagePart)
    {
        var refusal = Assert.Throws<JsonSchemaNotSupportedException>(() => Grammar(schema));

        Assert.Equal(location, refusal.Location);
        Assert.Contains(messagePart, refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Annotations_are_ignored()
    {
        var grammar = Grammar("""{"title":"T","description":"d","type":"boolean","default":true}""");

        Assert.StartsWith("root ::= boolean\n", grammar, StringComparison.Ordinal);
    }
}
