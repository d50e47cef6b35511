using System.Text.Json.Serialization;

namespace ActorHa.Node.Diagnostics;

/// <summary>How bad a finding of <c>actorha watch</c> or <c>actorha doctor</c> is; errors make the exit code non-zero.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Severity>))]
internal enum Severity
{
    Error,
    Warning,
    Info,
}

/// <summary>
/// One thing that breaks (or may break) VRRP: what, the evidence it rests on (a rule, a sysctl value, adverts seen)
/// and the command that fixes it.
/// </summary>
internal sealed record Finding(Severity Severity, string Check, string Message, string? Evidence = null, string? Fix = null)
{
    public string SeverityName => Severity.ToString().ToLowerInvariant();

    /// <summary>One line, then the evidence and the fix indented beneath it.</summary>
    public string Render()
    {
        var text = $"{SeverityName}: [{Check}] {Message}";
        if (Evidence is not null)
        {
            text += $"\n    evidence: {Evidence.Replace("\n", "\n              ", StringComparison.Ordinal)}";
        }

        if (Fix is not null)
        {
            text += $"\n    fix: {Fix.Replace("\n", "\n         ", StringComparison.Ordinal)}";
        }

        return text;
    }
}
