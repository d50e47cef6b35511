using ActorHa.Config;
using ActorHa.Config.Diagnostics;
using ActorHa.Config.Model;
using Serilog.Events;

namespace ActorHa.Node.Hosting;

/// <summary>A compiled configuration the node can run, with the findings that came with it.</summary>
internal sealed record LoadedConfig(KeepalivedConfig Config, IReadOnlyList<Diagnostic> Diagnostics, IReadOnlyList<string> Files)
{
    /// <summary>When reading began: the file watcher, started later, reloads if anything was written since.</summary>
    public DateTime ReadAt { get; init; } = DateTime.UtcNow;
}

/// <summary>Compiles the configuration and logs every finding as a compiler would, file:line:col first.</summary>
internal static class ConfigLoader
{
    /// <summary>Null when the configuration cannot run (keepalived -t exit code 3).</summary>
    public static LoadedConfig? Load(NodeOptions options, Serilog.ILogger logger)
    {
        var readAt = DateTime.UtcNow;
        var result = ConfigCompiler.Compile(options.ConfigFile, new ConfigCompileOptions(ConfigId: options.EffectiveConfigId));
        foreach (var d in result.Diagnostics)
        {
            logger.Write(d.Severity == Severity.Warning ? LogEventLevel.Warning : LogEventLevel.Error, "{Diagnostic}", d.ToString());
        }

        if (result.ExitCode == 3)
        {
            logger.Error("configuration {File} cannot run: {Count} fatal error(s)", options.ConfigFile, result.Diagnostics.Count(d => d.Severity == Severity.Fatal));
            return null;
        }

        return new LoadedConfig(result.Config, result.Diagnostics, result.Files) { ReadAt = readAt };
    }
}
