using System.Globalization;
using System.Text;
using Sprache;

namespace ActorHa.Config.Syntax;

/// <summary>What a line tokenizes into: a word (quoted or not) or a brace.</summary>
internal enum RawTokenKind
{
    Word,
    OpenBrace,
    CloseBrace,
}

/// <summary>A token of one preprocessed line; <see cref="Index"/> is its 0-based offset in that line.</summary>
internal readonly record struct RawToken(RawTokenKind Kind, string Text, int Index, bool Quoted, bool Unterminated);

/// <summary>
/// The Sprache grammar of one configuration line, after comments, conditionals and parameters were handled:
/// words separated by whitespace, where a word is a run of bare and quoted segments (keepalived joins
/// <c>abcd" efg "h</c> into one word), and unquoted braces always stand alone (<c>virtual_routes{}</c> is three tokens).
/// </summary>
internal static class LineTokenizer
{
    private static readonly Parser<string> HexEscape =
        from x in Parse.Char('x')
        from digits in Parse.Chars("0123456789abcdefABCDEF").Repeat(1, 2).Text()
        select ((char)int.Parse(digits, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToString();

    private static readonly Parser<string> OctalEscape =
        from digits in Parse.Chars("01234567").Repeat(1, 3).Text()
        select ((char)(Convert.ToInt32(digits, 8) & 0xff)).ToString();

    private static readonly Parser<string> ControlEscape =
        from c in Parse.Char('c')
        from ch in Parse.AnyChar
        select ((char)(char.ToUpperInvariant(ch) ^ 0x40)).ToString();

    // keepalived's escapes in quoted strings: \a \b \E \f \n \r \t \v \nnn \xXX \cC; \C is C otherwise.
    private static readonly Parser<string> SimpleEscape =
        Parse.AnyChar.Select(c => c switch
        {
            'a' => "\a",
            'b' => "\b",
            'E' => "\u001b",
            'f' => "\f",
            'n' => "\n",
            'r' => "\r",
            't' => "\t",
            'v' => "\v",
            _ => c.ToString(),
        });

    private static readonly Parser<string> Escape =
        from backslash in Parse.Char('\\')
        from value in HexEscape.Or(OctalEscape).Or(ControlEscape).Or(SimpleEscape)
        select value;

    private static Parser<(string Text, bool Terminated)> Quoted(char quote) =>
        from open in Parse.Char(quote)
        from body in Escape.Or(Parse.CharExcept(quote).Select(c => c.ToString())).Many()
        from close in Parse.Char(quote).Optional()
        select (string.Concat(body), close.IsDefined);

    private static readonly Parser<(string Text, bool Quoted, bool Terminated)> QuotedSegment =
        Quoted('"').Or(Quoted('\'')).Select(q => (q.Text, true, q.Terminated));

    // An undefined ${NAME} stays in the text (keepalived leaves it alone), so its braces belong to the word.
    private static readonly Parser<string> ParameterReference =
        from open in Parse.String("${")
        from body in Parse.CharExcept("}\"' \t").Many().Text()
        from close in Parse.Char('}')
        select "${" + body + "}";

    private static readonly Parser<(string Text, bool Quoted, bool Terminated)> BareSegment =
        ParameterReference
            .Or(Parse.Char(c => !char.IsWhiteSpace(c) && c is not '"' and not '\'' and not '{' and not '}', "word character").Once().Text())
            .AtLeastOnce().Select(parts => (string.Concat(parts), false, true));

    private static readonly Parser<RawToken> Word =
        from segments in QuotedSegment.Or(BareSegment).AtLeastOnce().Span()
        select new RawToken(
            RawTokenKind.Word,
            string.Concat(segments.Value.Select(s => s.Text)),
            segments.Start.Pos,
            segments.Value.Any(s => s.Quoted),
            segments.Value.Any(s => !s.Terminated));

    private static readonly Parser<RawToken> Brace =
        from brace in Parse.Chars('{', '}').Span()
        select new RawToken(brace.Value == '{' ? RawTokenKind.OpenBrace : RawTokenKind.CloseBrace, brace.Value.ToString(), brace.Start.Pos, false, false);

    private static readonly Parser<IEnumerable<RawToken>> Line =
        from leading in Parse.WhiteSpace.Many()
        from tokens in Brace.Or(Word).Then(t => Parse.WhiteSpace.Many().Return(t)).Many()
        from end in Parse.WhiteSpace.Many().End()
        select tokens;

    public static IReadOnlyList<RawToken> Tokenize(string line)
    {
        // The grammar accepts every input (an unterminated quote runs to the end of the line and is flagged),
        // so a failure here would be a bug in the grammar, not in the user's file.
        var result = Line.TryParse(line);
        if (!result.WasSuccessful)
        {
            throw new InvalidOperationException($"tokenizer grammar rejected a line: {result.Message}");
        }

        return result.Value.ToList();
    }

    /// <summary>Removes a <c>#</c> or <c>!</c> comment that is outside quotes; keepalived allows them anywhere in a line.</summary>
    public static string StripComment(string line)
    {
        char quote = '\0';
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote != '\0')
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == quote)
                {
                    quote = '\0';
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
            }
            else if (c is '#' or '!')
            {
                return line[..i];
            }
        }

        return line;
    }
}
