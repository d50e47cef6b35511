using System.Text;

namespace ActorHa.Node.Actors;

/// <summary>Actor names from keepalived names: keepalived allows characters Akka paths don't (spaces, '/', '#').</summary>
internal static class ActorNames
{
    public static string Safe(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':' or '@' or '+' or '=' ? c : '_');
        }

        return sb.Length == 0 ? "_" : sb.ToString();
    }
}
