using System.CommandLine;
using System.Text.Json;
using ActorHa.Config;
using ActorHa.Config.Model;
using ActorHa.Node.Diagnostics;
using ActorHa.Node.Hosting;

namespace ActorHa.Node.Cli;

/// <summary>
/// <c>actorha doctor [-f CONFIG] [--listen SECONDS] [--json]</c>: checks this host (the current network namespace) for
/// what breaks VRRP and prints each finding with its severity, evidence and fix. Exit 0: no errors (warnings and
/// notes allowed); 1: at least one error; 3: cannot run (the configuration cannot be read).
/// </summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var file = new Option<FileInfo>("--use-file", "-f") { Description = $"configuration to check against (default {NodeOptions.DefaultConfigFile} when it exists)" };
        var listen = new Option<double>("--listen")
        {
            Description = "seconds to listen on the configured interfaces for colliding VRIDs and silent peers (0: do not listen)",
            DefaultValueFactory = _ => 3,
        };
        var json = new Option<bool>("--json") { Description = "machine-readable output" };
        var command = new Command("doctor", "Check this host for what breaks VRRP: firewall rules, rp_filter/ARP sysctls, interfaces, VRID collisions, silent peers")
        {
            file, listen, json,
        };
        command.SetAction(parse => Run(parse.GetValue(file), parse.GetValue(listen), parse.GetValue(json)));
        return command;
    }

    private static int Run(FileInfo? file, double listenSeconds, bool json)
    {
        KeepalivedConfig? config = null;
        var path = file?.ToString() ?? (File.Exists(NodeOptions.DefaultConfigFile) ? NodeOptions.DefaultConfigFile : null);
        if (path is not null)
        {
            var compiled = ConfigCompiler.Compile(path, ConfigCompileOptions.Default);
            if (compiled.ExitCode == 3)
            {
                Console.Error.WriteLine($"actorha doctor: cannot read {path}: {string.Join("; ", compiled.Diagnostics.Select(d => d.ToString()))}");
                return 3;
            }

            config = compiled.Config;
        }

        var host = new LiveHostProbe();
        var findings = new List<Finding>();
        if (config is not null)
        {
            findings.AddRange(HostChecks.Interfaces(config, host));
            findings.AddRange(HostChecks.ReversePathFilter(config, host));
            findings.AddRange(HostChecks.Arp(config, host));
            findings.AddRange(HostChecks.NonlocalBind(config, host));
        }

        findings.AddRange(Doctor.Firewall(Doctor.Packets(config, host)));
        if (config is not null && listenSeconds > 0)
        {
            findings.AddRange(Listen(config, host, TimeSpan.FromSeconds(listenSeconds)));
        }

        var ordered = findings.OrderBy(f => f.Severity).ToList();
        var errors = ordered.Count(f => f.Severity == Severity.Error);
        var warnings = ordered.Count(f => f.Severity == Severity.Warning);
        if (json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new { config = path, findings = ordered, errors, warnings }, new JsonSerializerOptions(WatchCommand.Json) { WriteIndented = true }));
        }
        else
        {
            Console.Out.WriteLine(path is null ? "no configuration: checking the firewall for every interface" : $"checking this host against {path}");
            foreach (var finding in ordered)
            {
                Console.Out.WriteLine(finding.Render());
            }

            Console.Out.WriteLine($"{errors} error(s), {warnings} warning(s), {ordered.Count - errors - warnings} note(s)");
        }

        return errors > 0 ? 1 : 0;
    }

    /// <summary>Listens on every configured interface at once for the window, then compares what it heard with the config.</summary>
    private static List<Finding> Listen(KeepalivedConfig config, IHostProbe host, TimeSpan window)
    {
        var findings = new List<Finding>();
        var listeners = new List<(SegmentListener Listener, SegmentAnalyzer Analyzer)>();
        try
        {
            foreach (var name in config.VrrpInstances.Select(i => i.Interface).OfType<string>().Distinct().Where(n => host.Interface(n) is not null))
            {
                try
                {
                    listeners.Add((SegmentListener.Open(name, TimeProvider.System), new SegmentAnalyzer()));
                }
                catch (IOException e)
                {
                    findings.Add(new Finding(Severity.Warning, "listen", $"cannot listen on {name}: {e.Message}", null, "run actorha doctor as root"));
                }
            }

            Thread.Sleep(window);
            foreach (var (listener, analyzer) in listeners)
            {
                while (listener.Adverts.TryTake(out var advert))
                {
                    analyzer.Add(advert);
                }

                analyzer.CompareWithConfig(config, listener.InterfaceName);
                findings.AddRange(analyzer.Findings);
                findings.AddRange(Doctor.Silence(config, listener.InterfaceName, analyzer.Table(listener.Elapsed), window));
            }
        }
        finally
        {
            foreach (var (listener, _) in listeners)
            {
                listener.Dispose();
            }
        }

        return findings;
    }
}
