using ActorHa.Config.Diagnostics;

namespace ActorHa.Config.Syntax;

/// <summary>
/// Turns the token stream of successive lines into statements and nested blocks. A statement is a keyword and
/// the words after it on the same line; a <c>{</c> opens its block, on the same line or alone on the next one
/// (both styles occur in real configs), and anything may follow a <c>{</c> on its line.
/// </summary>
internal sealed class BlockBuilder(DiagnosticBag diagnostics)
{
    private sealed class Pending(ConfWord keyword, LogicalLine line)
    {
        public ConfWord Keyword { get; } = keyword;

        public LogicalLine Line { get; } = line;

        public List<ConfWord> Arguments { get; } = [];
    }

    private sealed record Frame(ConfWord? Owner, List<ConfWord> OwnerArguments, List<ConfStatement> Children);

    private readonly Stack<Frame> _open = new();
    private readonly List<ConfStatement> _top = [];
    private Pending? _pending;

    private List<ConfStatement> Current => _open.Count > 0 ? _open.Peek().Children : _top;

    public void Add(LogicalLine line)
    {
        var tokens = LineTokenizer.Tokenize(line.Text);
        for (var t = 0; t < tokens.Count; t++)
        {
            var token = tokens[t];
            var at = new SourceLocation(line.File, line.Line, line.ColumnAt(token.Index));
            switch (token.Kind)
            {
                case RawTokenKind.Word:
                    if (token.Unterminated)
                    {
                        diagnostics.Error(at, "unterminated quoted string");
                    }

                    var word = new ConfWord(token.Text, at, token.Quoted);
                    if (_pending is not null && ReferenceEquals(_pending.Line, line))
                    {
                        _pending.Arguments.Add(word);
                    }
                    else
                    {
                        Flush();
                        _pending = new Pending(word, line);
                    }

                    break;

                case RawTokenKind.OpenBrace:
                    if (_pending is null)
                    {
                        diagnostics.Error(at, "'{' without a keyword before it");
                        _open.Push(new Frame(null, [], []));
                    }
                    else
                    {
                        _open.Push(new Frame(_pending.Keyword, _pending.Arguments, []));
                        _pending = null;
                    }

                    break;

                case RawTokenKind.CloseBrace:
                    Flush();
                    if (_open.Count == 0)
                    {
                        diagnostics.Error(at, "unexpected '}' with no block open");
                    }
                    else
                    {
                        Close(_open.Pop());
                    }

                    break;
            }
        }
    }

    public IReadOnlyList<ConfStatement> Finish()
    {
        Flush();
        while (_open.Count > 0)
        {
            var frame = _open.Pop();
            var at = frame.Owner?.Location ?? SourceLocation.None;
            diagnostics.Error(at, $"missing '}}' for '{frame.Owner?.Text ?? "{"}' opened here");
            Close(frame);
        }

        return _top;
    }

    private void Flush()
    {
        if (_pending is not null)
        {
            Current.Add(new ConfStatement(_pending.Keyword, _pending.Arguments, null));
            _pending = null;
        }
    }

    private void Close(Frame frame)
    {
        if (frame.Owner is null)
        {
            // A brace without a keyword was reported already; keep its contents rather than lose them.
            Current.AddRange(frame.Children);
        }
        else
        {
            Current.Add(new ConfStatement(frame.Owner, frame.OwnerArguments, frame.Children));
        }
    }
}
