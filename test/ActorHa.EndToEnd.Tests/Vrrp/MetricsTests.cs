using System.Globalization;
using System.Text.RegularExpressions;
using ActorHa.EndToEnd.Tests.Lab;
using Xunit.Abstractions;

namespace ActorHa.EndToEnd.Tests.Vrrp;

/// <summary>
/// The metrics endpoint of a node in the lab, scraped from inside its namespace (the node binds the namespace's own
/// 127.0.0.1): the master reads MASTER, counters grow between scrapes, a bad advert shows up under its reason, and
/// the script and checker families carry the node's vrrp_script and real server.
/// </summary>
[Collection("lab")]
public sealed class MetricsTests(ITestOutputHelper output)
{
    private const string Address = "127.0.0.1:9650";

    private static readonly string Config = """
        vrrp_script chk_true {
            script "/bin/true"
            interval 1
        }
        """ + "\n" + LabNodes.Instance(200, auth: LabNodes.PassAuth, extra: "track_script {\n        chk_true\n    }") + "\n" + """
        virtual_server 192.0.2.100 80 {
            delay_loop 1
            lb_algo rr
            lb_kind DR
            protocol TCP
            real_server 192.0.2.200 8080 {
                weight 2
                TCP_CHECK {
                    connect_timeout 1
                    retry 0
                }
            }
        }
        """;

    [Fact]
    public async Task Scraping_the_master_shows_its_state_growing_counters_invalid_adverts_scripts_and_checkers()
    {
        NetnsLab.RequireRootAndTools("python3");
        using var lab = NetnsLab.Create(2, output);
        var backup = lab.Hosts[0].Start(Daemon.ActorHa, LabNodes.Instance(100, auth: LabNodes.PassAuth), "--metrics", Address);
        var master = lab.Hosts[1].Start(Daemon.ActorHa, Config, "--metrics", Address);
        Assert.True(await NetnsLab.WaitUntilAsync(() => lab.Hosts[1].HasAddress("192.0.2.100"), TimeSpan.FromSeconds(15)));
        Assert.True(await master.WaitForLineAsync("Metrics on http://127.0.0.1:9650/metrics", TimeSpan.FromSeconds(5)));

        var first = Scrape(lab.Hosts[1]);
        output.WriteLine(first);
        Assert.Equal(1, Value(first, "actorha_vrrp_instance_state", "instance=\"VI_1\",state=\"MASTER\""));
        Assert.Equal(0, Value(first, "actorha_vrrp_instance_state", "instance=\"VI_1\",state=\"BACKUP\""));
        Assert.Equal(200, Value(first, "actorha_vrrp_priority", "instance=\"VI_1\""));
        Assert.Equal(200, Value(first, "actorha_vrrp_base_priority", "instance=\"VI_1\""));
        Assert.Equal(1, Value(first, "actorha_vrrp_vips_held", "instance=\"VI_1\""));
        Assert.True(Value(first, "actorha_vrrp_transitions_total", "instance=\"VI_1\",from=\"BACKUP\",to=\"MASTER\"") >= 1);
        Assert.Contains("actorha_build_info{version=", first, StringComparison.Ordinal);

        var backupText = Scrape(lab.Hosts[0]);
        Assert.Equal(1, Value(backupText, "actorha_vrrp_instance_state", "instance=\"VI_1\",state=\"BACKUP\""));
        Assert.Equal(0, Value(backupText, "actorha_vrrp_vips_held", "instance=\"VI_1\""));

        // One advert with a wrong password, from the client: both nodes drop it and count it under its reason.
        lab.Client.Sh($"python3 {LabNodes.RepoRoot}/deploy/golden/vrrp_lab.py inject eth0 'src=192.0.2.200,prio=250,auth=1,pass=wrong,ips=192.0.2.100'");
        // And a valid advert for a VRID neither node runs: counted per socket as an unknown VRID.
        lab.Client.Sh($"python3 {LabNodes.RepoRoot}/deploy/golden/vrrp_lab.py inject eth0 'src=192.0.2.200,vrid=77,prio=100,auth=1,pass=s3cret,ips=192.0.2.177'");
        await Task.Delay(2500);
        var second = Scrape(lab.Hosts[1]);
        Assert.Equal(1, Value(second, "actorha_vrrp_adverts_invalid_total", "instance=\"VI_1\",reason=\"wrong password\""));
        Assert.Equal(1, Value(second, "actorha_vrrp_packets_unknown_vrid_total", "interface=\"eth0\",family=\"IPv4\""));
        Assert.True(Value(second, "actorha_vrrp_packets_received_total", "interface=\"eth0\",family=\"IPv4\"") >= 2);
        Assert.True(Value(second, "actorha_vrrp_adverts_sent_total", "instance=\"VI_1\"") > Value(first, "actorha_vrrp_adverts_sent_total", "instance=\"VI_1\""), "adverts sent did not grow");
        Assert.True(Value(Scrape(lab.Hosts[0]), "actorha_vrrp_adverts_received_total", "instance=\"VI_1\"") > Value(backupText, "actorha_vrrp_adverts_received_total", "instance=\"VI_1\""), "the backup's adverts received did not grow");

        Assert.Equal(1, Value(second, "actorha_vrrp_script_up", "script=\"chk_true\""));
        Assert.True(Value(second, "actorha_vrrp_script_results_total", "script=\"chk_true\",result=\"success\"") >= 2);

        // Nothing listens on the real server: its TCP_CHECK fails and takes it down.
        const string rs = "virtual_server=\"[192.0.2.100]:tcp:80\",real_server=\"[192.0.2.200]:tcp:8080\"";
        Assert.True(await master.WaitForLineAsync("Removing service [192.0.2.200]:tcp:8080", TimeSpan.FromSeconds(10)));
        var third = Scrape(lab.Hosts[1]);
        Assert.Equal(0, Value(third, "actorha_real_server_up", rs));
        Assert.Equal(2, Value(third, "actorha_real_server_weight", rs));
        Assert.Equal(0, Value(third, "actorha_checker_up", rs + ",checker=\"TCP_CHECK\""));
        Assert.True(Value(third, "actorha_checker_failures_total", rs + ",checker=\"TCP_CHECK\"") >= 1);

        // Other paths and methods get HTTP's answers, not metrics.
        Assert.Contains("404", lab.Hosts[1].Sh($"python3 -c \"import urllib.request,urllib.error\ntry: urllib.request.urlopen('http://{Address}/nope')\nexcept urllib.error.HTTPError as e: print(e.code)\""), StringComparison.Ordinal);
        Assert.False(backup.HasExited);
    }

    [Fact]
    public async Task A_node_whose_metrics_address_is_taken_still_runs_and_says_why()
    {
        NetnsLab.RequireRootAndTools("python3");
        using var lab = NetnsLab.Create(1, output);
        using var squatter = lab.Start(lab.Hosts[0].Namespace, "squatter", "python3", ["-m", "http.server", "--bind", "127.0.0.1", "9650"]);
        await Task.Delay(1000);
        var node = lab.Hosts[0].Start(Daemon.ActorHa, LabNodes.Instance(100), "--metrics", Address);
        Assert.True(await node.WaitForLineAsync("metrics address 127.0.0.1:9650 unavailable: Address already in use", TimeSpan.FromSeconds(15)));
        Assert.True(await node.WaitForLineAsync("(VI_1) Entering BACKUP STATE", TimeSpan.FromSeconds(15)));
    }

    private string Scrape(LabHost host)
    {
        var text = host.Sh($"python3 -c \"import urllib.request; r = urllib.request.urlopen('http://{Address}/metrics', timeout=10); assert r.headers['Content-Type'] == 'text/plain; version=0.0.4; charset=utf-8', r.headers['Content-Type']; print(r.read().decode(), end='')\"");
        Assert.False(string.IsNullOrEmpty(text), "empty scrape");
        return text;
    }

    private static double Value(string text, string name, string labels)
    {
        var match = Regex.Match(text, "^" + Regex.Escape($"{name}{{{labels}}}") + " (\\S+)$", RegexOptions.Multiline);
        Assert.True(match.Success, $"no sample {name}{{{labels}}}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
