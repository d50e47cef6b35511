using ActorHa.Config.Diagnostics;

namespace ActorHa.Config.Syntax;

/// <summary>
/// One word of a configuration line after includes, conditionals and <c>$NAME</c> substitution.
/// <paramref name="Quoted"/> is true when the word was written in quotes (so <c>"{"</c> is text, not a brace).
/// </summary>
public sealed record ConfWord(string Text, SourceLocation Location, bool Quoted = false)
{
    public override string ToString() => Text;
}

/// <summary>
/// A statement: a keyword, its arguments on the same line, and an optional block. The syntax layer knows no
/// keywords: inside <c>virtual_ipaddress { 192.0.2.1/24 dev eth0 }</c> the "keyword" is the address and the
/// binder decides what a statement means in its context. <see cref="Block"/> is null when the statement had
/// no braces and empty for <c>{}</c>.
/// </summary>
public sealed record ConfStatement(ConfWord Keyword, IReadOnlyList<ConfWord> Arguments, IReadOnlyList<ConfStatement>? Block)
{
    public SourceLocation Location => Keyword.Location;

    public string Name => Keyword.Text;

    public bool HasBlock => Block is not null;
}

/// <summary>The whole configuration after every include was expanded, in order, and the files it read.</summary>
public sealed record ConfDocument(IReadOnlyList<ConfStatement> Statements, IReadOnlyList<string> Files);
