using ActorHa.Config.Syntax;

namespace ActorHa.Node.Scripts;

/// <summary>
/// A script as keepalived runs it: the configured string split into argv on unquoted whitespace (single or double
/// quotes keep spaces inside one argument), executed directly without a shell, as <see cref="User"/> when given.
/// </summary>
internal sealed record ScriptCommand(IReadOnlyList<string> Argv, string? User = null, string? Group = null)
{
    public string Program => Argv.Count > 0 ? Argv[0] : "";

    public static ScriptCommand Parse(string commandLine, string? user = null, string? group = null) =>
        new(QuotedWords.Split(commandLine), user, group);

    public ScriptCommand WithArguments(params string[] extra) => this with { Argv = [.. Argv, .. extra] };

    public override string ToString() => string.Join(' ', Argv.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"'{a}'" : a));
}
