using System.Diagnostics;
using System.Text.Json;
using ActorHa.EndToEnd.Tests.Lab;
using Xunit.Abstractions;

namespace ActorHa.EndToEnd.Tests.Ops;

/// <summary>
/// <c>actorha watch</c> and <c>actorha doctor</c> in the lab. watch runs in the client namespace (it only listens;
/// a node's own adverts are not looped back to its host, so a separate listener sees the whole segment), doctor in
/// the namespace it examines. Injected adverts come from a host namespace through deploy/golden/vrrp_lab.py.
/// </summary>
[Collection("lab")]
public sealed class SegmentToolsTests(ITestOutputHelper output)
{
    private const string Injector = "deploy/golden/vrrp_lab.py";

    /// <summary>Runs actorha inside a namespace to the end and returns its exit code and output.</summary>
    private (int Code, string Out) Actorha(string ns, params string[] args)
    {
        var psi = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "netns", "exec", ns, LabNodes.ActorHaPath }.Concat(args))
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"actorha {string.Join(' ', args)} did not finish");
        }

        output.WriteLine($"$ actorha {string.Join(' ', args)}  (in {ns}, exit {p.ExitCode})\n{stdout.Result}{stderr.Result}");
        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    private static async Task<(LabProcess Master, LabProcess Backup)> TwoNodesAsync(NetnsLab lab)
    {
        var backup = lab.Hosts[0].Start(Daemon.ActorHa, LabNodes.Instance(100, auth: LabNodes.PassAuth));
        var master = lab.Hosts[1].Start(Daemon.ActorHa, LabNodes.Instance(200, auth: LabNodes.PassAuth));
        Assert.True(await NetnsLab.WaitUntilAsync(() => lab.Hosts[1].HasAddress("192.0.2.100"), TimeSpan.FromSeconds(15)), "no master");
        Assert.True(await backup.WaitForLineAsync("(VI_1) Entering BACKUP STATE", TimeSpan.FromSeconds(5)));
        return (master, backup);
    }

    [Fact]
    public async Task Watch_shows_the_master_its_priority_and_interval_and_exits_0_on_a_healthy_segment()
    {
        using var lab = NetnsLab.Create(2, output);
        await TwoNodesAsync(lab);

        var (code, text) = Actorha(lab.Client.Namespace, "watch", "eth0", "--seconds", "3.5", "--json");
        Assert.Equal(0, code);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var adverts = lines.Where(l => l.StartsWith("{\"advert\"", StringComparison.Ordinal)).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("advert")).ToList();
        Assert.InRange(adverts.Count, 3, 5);
        Assert.All(adverts, a =>
        {
            Assert.Equal("192.0.2.12", a.GetProperty("source").GetString());
            Assert.Equal(200, a.GetProperty("priority").GetInt32());
            Assert.Equal("pass \"s3cret\"", a.GetProperty("auth").GetString());
            Assert.Equal(255, a.GetProperty("ttl").GetInt32());
            Assert.Equal(0, a.GetProperty("problems").GetArrayLength());
        });
        var summary = JsonDocument.Parse(lines[^1]).RootElement;
        var row = Assert.Single(summary.GetProperty("table").EnumerateArray());
        Assert.Equal(51, row.GetProperty("vrid").GetInt32());
        Assert.True(row.GetProperty("master").GetBoolean());
        Assert.Equal(200, row.GetProperty("priority").GetInt32());
        Assert.Equal(100, row.GetProperty("intervalCentiseconds").GetInt32());
        Assert.Equal(0, summary.GetProperty("findings").GetArrayLength());

        // The text form: one line per advert and the table with the master marked.
        var (textCode, table) = Actorha(lab.Client.Namespace, "watch", "eth0", "--seconds", "2.5");
        Assert.Equal(0, textCode);
        Assert.Matches(@"\d\d:\d\d:\d\d\.\d{3} 192\.0\.2\.12 vrid 51 v2 prio 200 intvl 1s vips 192\.0\.2\.100 auth pass ""s3cret""", table);
        Assert.Matches(@"51\s+IPv4\s+192\.0\.2\.12\s+master\s+200\s+1s\s+v2", table);
        Assert.Contains("1 VRID(s), 0 error(s), 0 warning(s)", table, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_flags_an_injected_vrid_conflict_with_another_vip_list_and_exits_1()
    {
        NetnsLab.RequireRootAndTools("python3");
        using var lab = NetnsLab.Create(2, output);
        lab.Hosts[0].Start(Daemon.ActorHa, LabNodes.Instance(200, auth: LabNodes.PassAuth));
        Assert.True(await NetnsLab.WaitUntilAsync(() => lab.Hosts[0].HasAddress("192.0.2.100"), TimeSpan.FromSeconds(15)), "no master");

        // Host 2 runs no node: it injects another group's adverts on VRID 51 once a second (other VIPs, same password).
        var spec = "src=192.0.2.50,prio=100,auth=1,pass=s3cret,ips=198.51.100.7+198.51.100.8";
        var injector = lab.Start(lab.Hosts[1].Namespace, "injector", "sh",
            ["-c", $"python3 {LabNodes.RepoRoot}/{Injector} repeat 6 1 eth0 '{spec}'"]);
        var (code, text) = Actorha(lab.Client.Namespace, "watch", "eth0", "--seconds", "4");
        Assert.Equal(1, code);
        Assert.Contains("error: [vrid-conflict] VRID 51 (IPv4): ", text, StringComparison.Ordinal);
        Assert.Contains("198.51.100.7,198.51.100.8", text, StringComparison.Ordinal);
        Assert.Matches(@"192\.0\.2\.50 vrid 51 v2 prio 100 intvl 1s vips 198\.51\.100\.7,198\.51\.100\.8 auth pass ""s3cret""", text);
        Assert.Matches(@"51\s+IPv4\s+192\.0\.2\.11\s+master\s+200", text);
        Assert.True(injector.WaitForExit(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task An_nft_drop_rule_makes_a_split_brain_that_watch_flags_and_doctor_traces_to_the_rule()
    {
        NetnsLab.RequireRootAndTools("nft");
        using var lab = NetnsLab.Create(2, output);
        var (_, backup) = await TwoNodesAsync(lab);

        // The backup's host drops every incoming advert: it stops hearing the master and becomes master too.
        lab.Hosts[0].Sh("nft add table inet ahtest && nft add chain inet ahtest input '{ type filter hook input priority 0; }' && nft add rule inet ahtest input ip protocol vrrp drop");
        Assert.True(await backup.WaitForLineAsync("(VI_1) Entering MASTER STATE", TimeSpan.FromSeconds(10)), "the firewalled backup did not become master");

        var (code, text) = Actorha(lab.Client.Namespace, "watch", "eth0", "--seconds", "4");
        Assert.Equal(1, code);
        Assert.Contains("error: [split-brain] VRID 51 (IPv4): two masters: ", text, StringComparison.Ordinal);
        Assert.Contains("192.0.2.11 (prio 100)", text, StringComparison.Ordinal);
        Assert.Contains("192.0.2.12 (prio 200)", text, StringComparison.Ordinal);

        var handle = System.Text.RegularExpressions.Regex.Match(lab.Hosts[0].Sh("nft -a list chain inet ahtest input"), @"ip protocol vrrp drop # handle (\d+)").Groups[1].Value;
        var (doctorCode, doctor) = Actorha(lab.Hosts[0].Namespace, "doctor", "-f", backup.ConfigPath!, "--listen", "2");
        Assert.Equal(1, doctorCode);
        Assert.Contains($"error: [firewall] nft table inet ahtest chain input handle {handle} drops incoming VRRP (IPv4, to 224.0.0.18) on eth0", doctor, StringComparison.Ordinal);
        Assert.Contains("evidence: ip protocol vrrp drop", doctor, StringComparison.Ordinal);
        Assert.Contains($"fix: nft insert rule inet ahtest input position {handle} iifname \"eth0\" meta l4proto vrrp accept", doctor, StringComparison.Ordinal);
        // Behind the rule the doctor hears nothing either.
        Assert.Contains("warning: [peer] no advert for VI_1 (VRID 51) heard on eth0", doctor, StringComparison.Ordinal);

        // On the other host nothing is wrong: no rule, and the firewalled host's adverts (same VIPs, same password)
        // arrive there, so there is neither a [firewall] nor a [peer] finding and the exit code is 0.
        var (masterCode, masterDoctor) = Actorha(lab.Hosts[1].Namespace, "doctor", "-f", backup.ConfigPath!, "--listen", "2", "--json");
        Assert.Equal(0, masterCode);
        using var json = JsonDocument.Parse(masterDoctor[..(masterDoctor.LastIndexOf('}') + 1)]);
        Assert.Equal(0, json.RootElement.GetProperty("errors").GetInt32());
        Assert.DoesNotContain(json.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("check").GetString() is "firewall" or "peer");
    }

    [Fact]
    public void Doctor_finds_strict_rp_filter_in_conf_all_under_a_use_vmac_instance()
    {
        using var lab = NetnsLab.Create(1, output);
        var host = lab.Hosts[0];
        host.Sh("sysctl -qw net.ipv4.conf.all.rp_filter=1");
        var folder = Directory.CreateTempSubdirectory("actorha-doctor-");
        try
        {
            var conf = Path.Combine(folder.FullName, "keepalived.conf");
            File.WriteAllText(conf, LabNodes.Instance(100, extra: "use_vmac"));
            var (code, text) = Actorha(host.Namespace, "doctor", "-f", conf, "--listen", "0");
            Assert.Equal(1, code);
            Assert.Contains("error: [sysctl] net.ipv4.conf.all.rp_filter = 1 (strict) overrides the rp_filter 0 that use_vmac sets on the macvlan of VI_1", text, StringComparison.Ordinal);
            Assert.Contains("fix: sysctl -w net.ipv4.conf.all.rp_filter=2", text, StringComparison.Ordinal);

            // Loose mode is fine: no error left.
            host.Sh("sysctl -qw net.ipv4.conf.all.rp_filter=2");
            var (looseCode, loose) = Actorha(host.Namespace, "doctor", "-f", conf, "--listen", "0");
            Assert.Equal(0, looseCode);
            Assert.DoesNotContain("rp_filter", loose, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
