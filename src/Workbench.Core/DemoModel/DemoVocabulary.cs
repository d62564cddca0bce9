namespace Workbench.Core.DemoModel;

/// <summary>
/// A SentencePiece-style ("llama") vocabulary for demo models: &lt;unk&gt;, &lt;s&gt;, &lt;/s&gt;, the 256 byte tokens
/// &lt;0x00&gt; … &lt;0xFF&gt;, short English pieces (so sampled text is readable gibberish) and optional
/// synthetic syllable pieces to make the vocabulary as large as wanted.
/// </summary>
internal static class DemoVocabulary
{
    public const int UnknownId = 0;
    public const int BosId = 1;
    public const int EosId = 2;
    public const int FirstByteId = 3;
    public const int MaxExtraPieces = 1_000_000;

    // llama.cpp token types (llama_token_type).
    public const int Normal = 1;
    public const int Unknown = 2;
    public const int Control = 3;
    public const int Byte = 6;

    /// <summary>SentencePiece's word-start marker (U+2581), which stands for a space.</summary>
    private const string WordStart = "\u2581";

    private const string Consonants = "bcdfghklmnprstvz";
    private const string Vowels = "aeiou";

    private static readonly string[] Words =
    [
        "the", "and", "to", "of", "a", "in", "is", "it", "you", "that", "he", "was", "for", "on", "are", "with",
        "as", "I", "his", "they", "be", "at", "one", "have", "this", "from", "or", "had", "by", "hot", "word",
        "but", "what", "some", "we", "can", "out", "other", "were", "all", "there", "when", "up", "use", "your",
        "how", "said", "an", "each", "she", "which", "do", "their", "time", "if", "will", "way", "about", "many",
        "then", "them", "would", "like", "so", "these", "her", "long", "make", "thing", "see", "him", "two",
        "has", "look", "more", "day", "could", "go", "come", "did", "no", "most", "my", "over", "know",
        "water", "than", "call", "first", "who", "may", "down", "been", "now", "find", "model", "work",
        "bench", "hello", "world", "token", "small", "random",
    ];

    private static readonly string[] Fragments =
    [
        "ing", "ed", "er", "ly", "es", "tion", "th", "he", "in", "an", "re", "on", "at", "en", "nd", "st", "ou",
    ];

    private static readonly string[] BasePieces = BuildBasePieces();

    /// <summary>Tokens in the vocabulary without extra pieces.</summary>
    public static int BaseCount => 3 + 256 + BasePieces.Length;

    /// <summary>Tokens, scores and token types for a vocabulary with <paramref name="extraPieces"/> synthetic pieces.</summary>
    public static (string[] Tokens, float[] Scores, int[] Types) Build(int extraPieces)
    {
        var tokens = new List<string>(BaseCount + extraPieces) { "<unk>", "<s>", "</s>" };
        var types = new List<int>(tokens.Capacity) { Unknown, Control, Control };
        for (var b = 0; b < 256; b++)
        {
            tokens.Add($"<0x{b:X2}>");
            types.Add(Byte);
        }

        var seen = new HashSet<string>(tokens, StringComparer.Ordinal);
        foreach (var piece in BasePieces)
        {
            seen.Add(piece);
            tokens.Add(piece);
            types.Add(Normal);
        }

        var added = 0;
        for (var n = 1; added < extraPieces; n++)
        {
            var piece = WordStart + Syllables(n);
            if (seen.Add(piece))
            {
                tokens.Add(piece);
                types.Add(Normal);
                added++;
            }
        }

        // Control and byte tokens score 0; ordinary pieces get falling scores, the first most likely.
        var scores = new float[tokens.Count];
        for (var i = 259; i < scores.Length; i++)
        {
            scores[i] = -(i - 258);
        }

        return ([.. tokens], scores, [.. types]);
    }

    private static string[] BuildBasePieces()
    {
        var pieces = new List<string> { WordStart };
        var seen = new HashSet<string>(pieces, StringComparer.Ordinal);
        void Add(string piece)
        {
            if (seen.Add(piece))
            {
                pieces.Add(piece);
            }
        }

        foreach (var c in "abcdefghijklmnopqrstuvwxyz")
        {
            Add(c.ToString());
            Add(WordStart + c);
        }

        foreach (var c in "0123456789.,!?'-:;\"()")
        {
            Add(c.ToString());
        }

        foreach (var word in Words)
        {
            Add(WordStart + word);
        }

        foreach (var fragment in Fragments)
        {
            Add(fragment);
        }

        return [.. pieces];
    }

    /// <summary>Bijective base-80 numeral of <paramref name="n"/> (n ≥ 1) spelled with consonant-vowel syllables: distinct n, distinct text.</summary>
    private static string Syllables(int n)
    {
        const int Radix = 16 * 5;
        var text = string.Empty;
        while (n > 0)
        {
            n--;
            var digit = n % Radix;
            text = $"{Consonants[digit / Vowels.Length]}{Vowels[digit % Vowels.Length]}" + text;
            n /= Radix;
        }

        return text;
    }
}
