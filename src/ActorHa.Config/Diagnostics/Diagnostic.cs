namespace ActorHa.Config.Diagnostics;

/// <summary>Where a piece of configuration came from. Line and column are 1-based, as editors count.</summary>
public sealed record SourceLocation(string File, int Line, int Column)
{
    public static readonly SourceLocation None = new("<none>", 0, 0);

    public override string ToString() => $"{File}:{Line}:{Column}";
}

/// <summary>
/// Warning: keepalived would accept it silently or with a log line. Error: keepalived would run past it
/// with a fallback value (exit code 4 from <c>actorha check</c>). Fatal: the configuration cannot run
/// (exit code 3), e.g. a vrrp_instance without a valid virtual_router_id.
/// </summary>
public enum Severity
{
    Warning,
    Error,
    Fatal,
}

/// <summary>One compiler-style finding: <c>conf.d/lb.conf:12:5: error: (VI_1) priority 300 not in 1..255, using 100</c>.</summary>
public sealed record Diagnostic(Severity Severity, SourceLocation Location, string Message)
{
    public override string ToString()
    {
        var word = Severity switch
        {
            Severity.Warning => "warning",
            Severity.Error => "error",
            _ => "fatal",
        };
        return $"{Location}: {word}: {Message}";
    }
}
