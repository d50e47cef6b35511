using System.Text;

namespace ActorHa.Node.Scripts;

/// <summary>
/// A script as keepalived runs it: the configured string split into argv on unquoted whitespace (single or double
/// quotes keep spaces inside one argument), executed directly without a shell, as <see cref="User"/> when given.
/// </summary>
internal sealed record ScriptCommand(IReadOnlyList<string> Argv, string? User = null, string? Group = null)
{
    public string Program => Argv.Count > 0 ? Argv[0] : "";

    public static ScriptCommand Parse(string commandLine, string? user = null, string? group = null) =>
        new(Split(commandLine), user, group);

    public ScriptCommand WithArguments(params string[] extra) => this with { Argv = [.. Argv, .. extra] };

    public override string ToString() => string.Join(' ', Argv.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"'{a}'" : a));

    internal static IReadOnlyList<string> Split(string commandLine)
    {
        var argv = new List<string>();
        var current = new StringBuilder();
        var inWord = false;
        char quote = '\0';
        foreach (var c in commandLine)
        {
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c is '\'' or '"')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    argv.Add(current.ToString());
                    current.Clear();
                    inWord = false;
                }
            }
            else
            {
                current.Append(c);
                inWord = true;
            }
        }

        if (inWord)
        {
            argv.Add(current.ToString());
        }

        return argv;
    }
}
