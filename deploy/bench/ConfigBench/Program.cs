using System.Diagnostics;
using System.Globalization;
using System.Text;
using ActorHa.Config;
using ActorHa.Config.Binding;
using ActorHa.Config.Diagnostics;
using ActorHa.Config.Reload;
using ActorHa.Config.Syntax;

// Times parse + bind (ConfigCompiler.Compile, file read included) of a generated keepalived.conf with N
// vrrp_instances, each like a production one: state, interface, VRID, priority, advert_int, PASS auth, two VIPs,
// a virtual route and a tracked script. Prints the median of 5 runs after one warm-up. Then a reload's in-process
// part: compile an edited copy (the two instances at priority 100 go to 101) and diff it against the running one, as the
// node does before it touches any actor.
// Run: dotnet run -c Release --project deploy/bench/ConfigBench [instances]
var instances = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
const int Runs = 5;

var path = Path.Combine(Path.GetTempPath(), $"actorha-bench-{Environment.ProcessId}.conf");
File.WriteAllText(path, Generate(instances));
try
{
    var warmUp = ConfigCompiler.Compile(path, ConfigCompileOptions.Default);
    if (warmUp.ExitCode != 0 || warmUp.Config.VrrpInstances.Count != instances)
    {
        Console.Error.WriteLine($"generated configuration did not compile clean: {warmUp.Diagnostics.FirstOrDefault()}");
        return 1;
    }

    // Parse and bind timed apart as well, so a regression points at its stage.
    var parse = new double[Runs];
    var bind = new double[Runs];
    var total = new double[Runs];
    for (var run = 0; run < Runs; run++)
    {
        var stopwatch = Stopwatch.StartNew();
        var diagnostics = new DiagnosticBag();
        var document = ConfParser.ParseFile(path, new ConfParseOptions(), diagnostics);
        parse[run] = stopwatch.Elapsed.TotalMilliseconds;
        ConfigBinder.Bind(document, diagnostics);
        total[run] = stopwatch.Elapsed.TotalMilliseconds;
        bind[run] = total[run] - parse[run];
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"parse+bind {instances} vrrp_instances ({new FileInfo(path).Length / 1024} KiB), median of {Runs} runs: "
        + $"{Median(total):F1} ms (parse {Median(parse):F1} ms, bind {Median(bind):F1} ms); "
        + $".NET {Environment.Version}, {Environment.ProcessorCount} cores visible"));

    var edited = path + ".edited";
    File.WriteAllText(edited, Generate(instances).Replace("priority 100\n", "priority 101\n", StringComparison.Ordinal));
    try
    {
        var running = warmUp.Config;
        var reload = new double[Runs];
        var diff = new double[Runs];
        ReloadPlan? plan = null;
        for (var run = 0; run < Runs; run++)
        {
            var stopwatch = Stopwatch.StartNew();
            var next = ConfigCompiler.Compile(edited, ConfigCompileOptions.Default).Config;
            var compiled = stopwatch.Elapsed.TotalMilliseconds;
            plan = ConfigDiff.Compute(running, next);
            reload[run] = stopwatch.Elapsed.TotalMilliseconds;
            diff[run] = reload[run] - compiled;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"reload in-process, {instances} vrrp_instances, median of {Runs} runs: compile + diff {Median(reload):F1} ms (diff {Median(diff):F1} ms); plan: {plan}"));
    }
    finally
    {
        File.Delete(edited);
    }

    return 0;
}
finally
{
    File.Delete(path);
}

static double Median(double[] values)
{
    var sorted = values.Order().ToArray();
    return sorted[sorted.Length / 2];
}

static string Generate(int count)
{
    var text = new StringBuilder();
    text.Append("global_defs {\n    router_id bench\n    enable_script_security\n}\n");
    text.Append("vrrp_script chk {\n    script \"/usr/bin/true\"\n    interval 2\n    weight -10\n}\n");
    for (var k = 0; k < count; k++)
    {
        // 255 VRIDs per interface and family (RFC 5798 section 5.2.3), so instances spread over interfaces.
        var vrid = (k % 255) + 1;
        var iface = $"eth{k / 255}";
        text.Append(CultureInfo.InvariantCulture, $$"""
            vrrp_instance VI_{{k}} {
                state {{(k % 2 == 0 ? "MASTER" : "BACKUP")}}
                interface {{iface}}
                virtual_router_id {{vrid}}
                priority {{100 + (k % 100)}}
                advert_int 1
                authentication {
                    auth_type PASS
                    auth_pass pw{{k % 1000}}
                }
                virtual_ipaddress {
                    10.{{k / 250}}.{{k % 250}}.1/24 dev {{iface}}
                    10.{{k / 250}}.{{k % 250}}.2/24 dev {{iface}} label {{iface}}:v{{k % 100}}
                }
                virtual_routes {
                    172.16.{{k % 250}}.0/24 via 10.{{k / 250}}.{{k % 250}}.254 dev {{iface}}
                }
                track_script {
                    chk
                }
            }

            """);
    }

    return text.ToString();
}
