using ActorHa.Config.Diagnostics;

namespace ActorHa.Config.Syntax;

/// <summary>
/// How to read a configuration. <see cref="ConfigId"/> is keepalived's config-id (<c>-i</c>, by default the first
/// label of the host name) that <c>@id</c> lines are compared with; null matches no <c>@id</c>.
/// <see cref="RandomSeed"/> makes <c>${_RANDOM}</c> repeatable. <see cref="MaxExpandedLines"/> bounds what loops and
/// parameters may expand to (keepalived's own 65,024-instance example is about a million lines).
/// </summary>
public sealed record ConfParseOptions(string? ConfigId = null, int RandomSeed = 0, long MaxExpandedLines = 2_000_000);

/// <summary>keepalived.conf text to a syntax tree; every finding goes to the diagnostics, nothing throws.</summary>
public static class ConfParser
{
    public static ConfDocument ParseFile(string path, ConfParseOptions options, DiagnosticBag diagnostics)
    {
        var builder = new BlockBuilder(diagnostics);
        var pre = new Preprocessor(options, diagnostics, builder.Add);
        pre.ProcessRootFile(path);
        return new ConfDocument(builder.Finish(), pre.Files);
    }

    /// <summary>Parses text as if it were the file <paramref name="fileName"/>: includes resolve against its folder.</summary>
    public static ConfDocument ParseText(string text, string fileName, ConfParseOptions options, DiagnosticBag diagnostics)
    {
        var builder = new BlockBuilder(diagnostics);
        var pre = new Preprocessor(options, diagnostics, builder.Add);
        pre.ProcessRootText(text, fileName);
        return new ConfDocument(builder.Finish(), pre.Files);
    }
}
