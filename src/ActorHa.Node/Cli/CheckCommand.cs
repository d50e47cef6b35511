using System.CommandLine;
using System.Globalization;
using ActorHa.Config;
using ActorHa.Config.Diagnostics;
using ActorHa.Node.Hosting;

namespace ActorHa.Node.Cli;

/// <summary>
/// <c>actorha check [-f FILE] [--dump] [--config-id ID] [--host-interfaces]</c>: compiles the configuration like
/// <c>keepalived -t</c>, prints every diagnostic compiler-style to stderr (<c>FILE:LINE:COL: error: message</c>)
/// and a summary, and exits 0 (clean, warnings allowed), 4 (errors run past with a fallback) or 3 (cannot run).
/// </summary>
internal static class CheckCommand
{
    /// <summary>Where Linux lists the host's network interfaces, one directory each.</summary>
    private const string SysClassNet = "/sys/class/net";

    public static Command Create()
    {
        var file = new Option<FileInfo>("--use-file", "-f")
        {
            Description = "configuration file",
            DefaultValueFactory = _ => new FileInfo(NodeOptions.DefaultConfigFile),
        };
        var dump = new Option<bool>("--dump") { Description = "print the resolved configuration as JSON on stdout" };
        var configId = new Option<string>("--config-id", "-i") { Description = "config-id that @id lines are matched against" };
        var hostInterfaces = new Option<bool>("--host-interfaces")
        {
            Description = $"check interface names against this host's ({SysClassNet}), as keepalived -t does",
        };
        var command = new Command("check", "Check a keepalived configuration (like keepalived -t) and optionally dump it as JSON")
        {
            file, dump, configId, hostInterfaces,
        };
        command.SetAction(parseResult =>
        {
            // As written on the command line, so diagnostics name the file the way the user does.
            var path = parseResult.GetValue(file)!.ToString();
            var interfaces = parseResult.GetValue(hostInterfaces) && Directory.Exists(SysClassNet)
                ? Directory.GetDirectories(SysClassNet).Select(Path.GetFileName).OfType<string>().ToHashSet(StringComparer.Ordinal)
                : null;
            var result = ConfigCompiler.Compile(path, new ConfigCompileOptions(parseResult.GetValue(configId), interfaces));
            var config = parseResult.InvocationConfiguration;
            foreach (var diagnostic in result.Diagnostics)
            {
                config.Error.WriteLine(diagnostic.ToString());
            }

            config.Error.WriteLine(Summary(path, result));
            if (parseResult.GetValue(dump))
            {
                config.Output.WriteLine(ConfigJson.Serialize(result.Config));
            }

            return result.ExitCode;
        });
        return command;
    }

    /// <summary><c>FILE: 1 error, 2 warnings; keepalived would run with the fallbacks above</c>.</summary>
    internal static string Summary(string path, CompileResult result)
    {
        int Count(Severity severity) => result.Diagnostics.Count(d => d.Severity == severity);
        string Plural(int n, string word) => string.Create(CultureInfo.InvariantCulture, $"{n} {word}{(n == 1 ? "" : "s")}");

        var counts = $"{Plural(Count(Severity.Fatal), "fatal error")}, {Plural(Count(Severity.Error), "error")}, {Plural(Count(Severity.Warning), "warning")}";
        var verdict = result.ExitCode switch
        {
            0 => "configuration OK",
            4 => "runs with the fallbacks above",
            _ => "the configuration cannot run",
        };
        return $"{path}: {counts}; {verdict}";
    }
}
