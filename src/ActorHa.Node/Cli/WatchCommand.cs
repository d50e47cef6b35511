using System.CommandLine;
using System.Text.Json;
using ActorHa.Config;
using ActorHa.Node.Diagnostics;

namespace ActorHa.Node.Cli;

/// <summary>
/// <c>actorha watch IFACE [--seconds N] [--json] [-f CONFIG]</c>: listens on a segment (never sends), prints each
/// advert as one line, a table of the VRIDs seen every <c>--table-every</c> seconds and at the end, and the
/// findings (VRID conflicts, split brain, interval and version mismatches, invalid adverts) as they happen.
/// Exit 0: nothing wrong; 1: an error (VRID conflict, split brain, collision with the config); 2: warnings only;
/// 3: cannot run.
/// </summary>
internal static class WatchCommand
{
    public static Command Create()
    {
        var iface = new Argument<string>("interface") { Description = "the interface whose segment to watch" };
        var seconds = new Option<double>("--seconds", "-s") { Description = "stop after N seconds (default: until Ctrl-C)" };
        var json = new Option<bool>("--json") { Description = "one JSON object per advert and per finding, then the table" };
        var tableEvery = new Option<double>("--table-every")
        {
            Description = "print the table of VRIDs every N seconds while watching (0: only at the end)",
            DefaultValueFactory = _ => 10,
        };
        var file = new Option<FileInfo>("--use-file", "-f") { Description = "compare with this configuration: VRIDs on the segment that collide with it" };
        var command = new Command("watch", "Listen on a segment: every VRRP advert decoded, the VRIDs seen with their masters, conflicts and split brain")
        {
            iface, seconds, json, tableEvery, file,
        };
        command.SetAction((parse, cancel) => Task.FromResult(Run(
            parse.GetValue(iface)!, parse.GetValue(seconds), parse.GetValue(json), parse.GetValue(tableEvery), parse.GetValue(file), cancel)));
        return command;
    }

    private static int Run(string interfaceName, double seconds, bool json, double tableEvery, FileInfo? file, CancellationToken cancel)
    {
        var config = file is null ? null : ConfigCompiler.Compile(file.ToString(), ConfigCompileOptions.Default);
        if (config is { ExitCode: 3 })
        {
            Console.Error.WriteLine($"actorha watch: cannot read {file}: {string.Join("; ", config.Diagnostics.Select(d => d.ToString()))}");
            return 3;
        }

        SegmentListener listener;
        try
        {
            listener = SegmentListener.Open(interfaceName, TimeProvider.System);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"actorha watch: {e.Message}");
            return 3;
        }

        var analyzer = new SegmentAnalyzer();
        using (listener)
        {
            if (!json)
            {
                Console.Out.WriteLine($"watching {interfaceName} (IPv4 224.0.0.18, IPv6 ff02::12, unicast to this host){(seconds > 0 ? $" for {seconds} s" : "")}");
            }

            var deadline = seconds > 0 ? TimeSpan.FromSeconds(seconds) : TimeSpan.MaxValue;
            var nextTable = tableEvery > 0 ? TimeSpan.FromSeconds(tableEvery) : TimeSpan.MaxValue;
            while (!cancel.IsCancellationRequested && listener.Elapsed < deadline)
            {
                while (listener.Errors.TryDequeue(out var error))
                {
                    Console.Error.WriteLine($"actorha watch: {error}");
                }

                var wait = Math.Clamp((int)Math.Min((deadline - listener.Elapsed).TotalMilliseconds, 250), 0, 250);
                try
                {
                    if (listener.Adverts.TryTake(out var advert, wait, cancel))
                    {
                        var findings = analyzer.Add(advert);
                        Console.Out.WriteLine(json ? JsonSerializer.Serialize(AdvertJson(advert), Json) : advert.Describe());
                        Print(findings, json);
                    }
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                if (listener.Elapsed >= nextTable)
                {
                    nextTable += TimeSpan.FromSeconds(tableEvery);
                    if (!json)
                    {
                        Console.Out.WriteLine(SegmentAnalyzer.RenderTable(analyzer.Table(listener.Elapsed)));
                    }
                }
            }

            if (config is not null)
            {
                Print(analyzer.CompareWithConfig(config.Config, interfaceName), json);
            }

            var table = analyzer.Table(listener.Elapsed);
            if (json)
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(new { table = table.Select(RowJson), findings = analyzer.Findings }, Json));
            }
            else
            {
                Console.Out.WriteLine(table.Count == 0 ? $"no adverts seen on {interfaceName}" : SegmentAnalyzer.RenderTable(table));
                var errors = analyzer.Findings.Count(f => f.Severity == Severity.Error);
                var warnings = analyzer.Findings.Count(f => f.Severity == Severity.Warning);
                Console.Out.WriteLine($"{table.Select(r => (r.VirtualRouterId, r.Family)).Distinct().Count()} VRID(s), {errors} error(s), {warnings} warning(s)");
            }
        }

        return analyzer.HasErrors ? 1 : analyzer.Findings.Any(f => f.Severity == Severity.Warning) ? 2 : 0;
    }

    private static void Print(IEnumerable<Finding> findings, bool json)
    {
        foreach (var finding in findings)
        {
            Console.Out.WriteLine(json ? JsonSerializer.Serialize(new { finding }, Json) : finding.Render());
        }
    }

    internal static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private static object AdvertJson(SegmentAdvert a) => new
    {
        advert = new
        {
            time = a.Wall,
            source = a.Source.ToString(),
            family = a.Family.ToString(),
            vrid = a.VirtualRouterId,
            version = a.Version,
            priority = a.Priority,
            intervalCentiseconds = a.IntervalCentiseconds,
            vips = a.Addresses.Select(x => x.ToString()),
            auth = a.AuthText,
            ttl = a.Ttl,
            problems = a.Problems,
        },
    };

    private static object RowJson(SegmentSender r) => new
    {
        vrid = r.VirtualRouterId,
        family = r.Family.ToString(),
        source = r.Source.ToString(),
        master = r.Master,
        active = r.Active,
        priority = r.Priority,
        intervalCentiseconds = r.IntervalCentiseconds,
        version = r.Version,
        adverts = r.Adverts,
        invalid = r.Invalid,
        vips = r.Addresses.Select(x => x.ToString()),
        auth = r.Auth,
    };
}
