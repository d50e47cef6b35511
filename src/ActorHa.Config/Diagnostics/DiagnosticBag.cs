namespace ActorHa.Config.Diagnostics;

/// <summary>Collects every finding of one compilation; the compiler never stops at the first.</summary>
public sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = [];

    public IReadOnlyList<Diagnostic> Items => _items;

    public bool HasErrors => _items.Exists(d => d.Severity >= Severity.Error);

    public bool HasFatal => _items.Exists(d => d.Severity == Severity.Fatal);

    public void Warning(SourceLocation at, string message) => _items.Add(new Diagnostic(Severity.Warning, at, message));

    public void Error(SourceLocation at, string message) => _items.Add(new Diagnostic(Severity.Error, at, message));

    public void Fatal(SourceLocation at, string message) => _items.Add(new Diagnostic(Severity.Fatal, at, message));

    public void Add(Diagnostic diagnostic) => _items.Add(diagnostic);

    /// <summary>keepalived -t's exit codes: 0 clean (warnings allowed), 4 errors run past with a fallback, 3 cannot run.</summary>
    public int ExitCode => HasFatal ? 3 : HasErrors ? 4 : 0;
}
