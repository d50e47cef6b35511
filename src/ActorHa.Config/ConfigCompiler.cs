using ActorHa.Config.Binding;
using ActorHa.Config.Diagnostics;
using ActorHa.Config.Model;
using ActorHa.Config.Syntax;

namespace ActorHa.Config;

/// <summary>
/// How to compile: <see cref="ConfigId"/> is keepalived's <c>-i</c> for <c>@id</c> lines; <see cref="KnownInterfaces"/>,
/// when the node supplies its links, lets interface names be checked.
/// </summary>
public sealed record ConfigCompileOptions(string? ConfigId = null, IReadOnlySet<string>? KnownInterfaces = null)
{
    public static readonly ConfigCompileOptions Default = new();
}

/// <summary>
/// The outcome of a compilation. <see cref="ExitCode"/> is keepalived -t's: 0 clean (warnings allowed), 4 errors
/// run past with a fallback, 3 cannot run. <see cref="Config"/> is always set: the best keepalived would make of it.
/// </summary>
public sealed record CompileResult(KeepalivedConfig Config, IReadOnlyList<Diagnostic> Diagnostics, int ExitCode)
{
    /// <summary>Every file that was read, the main one first (what a conf.d watcher must watch).</summary>
    public IReadOnlyList<string> Files { get; init; } = [];
}

/// <summary>keepalived.conf to the typed model: parse (includes, conditionals, parameters), then bind.</summary>
public static class ConfigCompiler
{
    public static CompileResult Compile(string path, ConfigCompileOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var diagnostics = new DiagnosticBag();
        var document = ConfParser.ParseFile(path, new ConfParseOptions(options.ConfigId), diagnostics);
        return Bind(document, diagnostics, options);
    }

    /// <summary>Compiles text as if read from <paramref name="fileName"/> (includes resolve against its folder).</summary>
    public static CompileResult CompileText(string text, string fileName, ConfigCompileOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var diagnostics = new DiagnosticBag();
        var document = ConfParser.ParseText(text, fileName, new ConfParseOptions(options.ConfigId), diagnostics);
        return Bind(document, diagnostics, options);
    }

    private static CompileResult Bind(ConfDocument document, DiagnosticBag diagnostics, ConfigCompileOptions options)
    {
        var config = ConfigBinder.Bind(document, diagnostics, new ConfigBindOptions(options.KnownInterfaces));

        // Found in stage order (a cross-reference after the values); shown in reading order, file by file.
        var fileOrder = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var file in document.Files)
        {
            fileOrder.TryAdd(file, fileOrder.Count);
        }

        var sorted = diagnostics.Items
            .OrderBy(d => fileOrder.GetValueOrDefault(d.Location.File, int.MaxValue))
            .ThenBy(d => d.Location.Line)
            .ThenBy(d => d.Location.Column)
            .ToList();
        return new CompileResult(config, sorted, diagnostics.ExitCode) { Files = document.Files };
    }
}
