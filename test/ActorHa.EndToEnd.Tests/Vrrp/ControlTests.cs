using System.Text.Json;
using ActorHa.EndToEnd.Tests.Lab;
using Xunit.Abstractions;

namespace ActorHa.EndToEnd.Tests.Vrrp;

/// <summary>The CLI against running nodes: status matches reality, tree, reload with diagnostics.</summary>
[Collection("lab")]
public sealed class ControlTests(ITestOutputHelper output)
{
    private static (int Code, string Out, string Err) Cli(LabProcess node, params string[] args)
    {
        var pid = Path.Combine(Path.GetDirectoryName(node.ConfigPath!)!, "actorha.pid");
        var psi = new System.Diagnostics.ProcessStartInfo(LabNodes.ActorHaPath) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args.Concat(["-p", pid]))
        {
            psi.ArgumentList.Add(a);
        }

        using var p = System.Diagnostics.Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(TimeSpan.FromSeconds(60)));
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public async Task Status_tree_and_reload_answer_over_the_control_socket()
    {
        using var lab = NetnsLab.Create(2, output);
        var backup = lab.Hosts[0].Start(Daemon.ActorHa, LabNodes.Instance(100, auth: LabNodes.PassAuth));
        var master = lab.Hosts[1].Start(Daemon.ActorHa, LabNodes.Instance(200, auth: LabNodes.PassAuth));
        Assert.True(await NetnsLab.WaitUntilAsync(() => lab.Hosts[1].HasAddress("192.0.2.100"), TimeSpan.FromSeconds(15)));
        await Task.Delay(2000);

        var (code, text, _) = Cli(master, "status");
        output.WriteLine(text);
        Assert.Equal(0, code);
        Assert.Contains("VI_1: MASTER, priority 200, VRID 51 on eth0", text, StringComparison.Ordinal);
        Assert.Contains("VIPs held: 192.0.2.100/24", text, StringComparison.Ordinal);

        var (_, backupText, _) = Cli(backup, "status");
        Assert.Contains("VI_1: BACKUP, priority 100", backupText, StringComparison.Ordinal);
        Assert.Contains("master: 192.0.2.12", backupText, StringComparison.Ordinal);
        Assert.Contains("VIPs not held", backupText, StringComparison.Ordinal);

        var (jsonCode, json, _) = Cli(backup, "status", "--json");
        Assert.Equal(0, jsonCode);
        using var doc = JsonDocument.Parse(json);
        var first = doc.RootElement.GetProperty("instances")[0];
        Assert.Equal("Backup", first.GetProperty("state").GetString());
        Assert.Equal("192.0.2.12", first.GetProperty("masterAddress").GetString());
        Assert.True(first.GetProperty("advertsReceived").GetInt64() >= 1);

        var (treeCode, tree, _) = Cli(master, "tree");
        Assert.Equal(0, treeCode);
        Assert.Contains("/vrrp-io", tree, StringComparison.Ordinal);
        Assert.Contains("MASTER prio 200", tree, StringComparison.Ordinal);

        await File.WriteAllTextAsync(master.ConfigPath!, LabNodes.Instance(300, auth: LabNodes.PassAuth));
        var (reloadCode, _, reloadErr) = Cli(master, "reload");
        Assert.Equal(1, reloadCode);
        Assert.Contains("error: (VI_1) priority 300 not in 1..255, using 100", reloadErr, StringComparison.Ordinal);
        Assert.Contains("reload rejected", reloadErr, StringComparison.Ordinal);
        Assert.True(lab.Hosts[1].HasAddress("192.0.2.100"));
        using var after = JsonDocument.Parse(Cli(master, "status", "--json").Out);
        var node = after.RootElement.GetProperty("node");
        // Writing the file also wakes the config watcher (debounced), which may reject it a second time.
        Assert.InRange(node.GetProperty("reloadsFailed").GetInt64(), 1, 2);
        Assert.False(node.GetProperty("lastReloadSucceeded").GetBoolean());
    }

    [Fact]
    public async Task Status_shows_real_servers_with_their_state_weight_and_checkers()
    {
        NetnsLab.RequireRootAndTools("python3");
        using var lab = NetnsLab.Create(2, output);
        var backend = lab.Start(lab.Hosts[1].Namespace, "backend", "python3", ["-m", "http.server", "--bind", "192.0.2.12", "8080"]);
        const string config = """
            virtual_server 192.0.2.100 80 {
                delay_loop 1
                lb_algo rr
                lb_kind DR
                protocol TCP
                quorum 2
                real_server 192.0.2.12 8080 {
                    weight 3
                    TCP_CHECK {
                        connect_timeout 1
                        retry 0
                    }
                }
            }
            """;
        var node = lab.Hosts[0].Start(Daemon.ActorHa, LabNodes.Instance(100) + "\n" + config);
        Assert.True(await node.WaitForLineAsync("TCP connection to [192.0.2.12]:tcp:8080 success.", TimeSpan.FromSeconds(15)));

        var (code, text, _) = Cli(node, "status");
        output.WriteLine(text);
        Assert.Equal(0, code);
        Assert.Contains("VI_1: ", text, StringComparison.Ordinal);
        Assert.Contains("virtual_server [192.0.2.100]:tcp:80: quorum up (alive weight 3, quorum 2), 1/1 real servers alive", text, StringComparison.Ordinal);
        Assert.Contains("  real_server [192.0.2.12]:tcp:8080: UP, weight 3", text, StringComparison.Ordinal);
        Assert.Matches(@"    TCP_CHECK: up, [1-9]\d* check\(s\), 0 failed", text);

        backend.Signal(9);
        Assert.True(await node.WaitForLineAsync("Removing service [192.0.2.12]:tcp:8080 from VS [192.0.2.100]:tcp:80", TimeSpan.FromSeconds(15)));
        var (_, down, _) = Cli(node, "status");
        output.WriteLine(down);
        Assert.Contains("virtual_server [192.0.2.100]:tcp:80: quorum down (alive weight 0, quorum 2), 0/1 real servers alive", down, StringComparison.Ordinal);
        Assert.Contains("  real_server [192.0.2.12]:tcp:8080: DOWN, weight 3", down, StringComparison.Ordinal);
        Assert.Matches(@"    TCP_CHECK: down, \d+ check\(s\), [1-9]\d* failed, last error: ", down);

        var (_, json, _) = Cli(node, "status", "--json");
        using var doc = JsonDocument.Parse(json);
        var vs = doc.RootElement.GetProperty("virtualServers")[0];
        Assert.False(vs.GetProperty("quorumUp").GetBoolean());
        var rs = vs.GetProperty("realServers")[0];
        Assert.Equal("[192.0.2.12]:tcp:8080", rs.GetProperty("name").GetString());
        Assert.False(rs.GetProperty("alive").GetBoolean());
        Assert.Equal(3, rs.GetProperty("weight").GetInt32());
        Assert.Equal("TCP_CHECK", rs.GetProperty("checkers")[0].GetProperty("checker").GetString());
        Assert.Equal(0, doc.RootElement.GetProperty("node").GetProperty("reloads").GetInt64());
    }

    [Fact]
    public void Status_without_a_running_node_says_so()
    {
        var psi = new System.Diagnostics.ProcessStartInfo(LabNodes.ActorHaPath, ["status", "--control-socket", "/nonexistent/actorha.sock"]) { RedirectStandardError = true };
        using var p = System.Diagnostics.Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(3, p.ExitCode);
        Assert.Contains("cannot reach a node at /nonexistent/actorha.sock", err, StringComparison.Ordinal);
    }
}

/// <summary>Manual switchover without editing the configuration, measured from the VIP holders' side.</summary>
[Collection("lab")]
public sealed class SwitchoverTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Switchover_hands_the_vip_over_with_no_moment_without_a_holder_and_release_takes_it_back()
    {
        using var lab = NetnsLab.Create(2, output);
        lab.Hosts[0].Start(Daemon.ActorHa, LabNodes.Instance(100));
        var master = lab.Hosts[1].Start(Daemon.ActorHa, LabNodes.Instance(200));
        Assert.True(await NetnsLab.WaitUntilAsync(() => lab.Hosts[1].HasAddress("192.0.2.100"), TimeSpan.FromSeconds(15)));
        await Task.Delay(1500);

        // Watch the holders while the switchover runs: 'ip monitor' in both hosts timestamps every address change.
        using var m0 = lab.Start(lab.Hosts[0].Namespace, "monitor@h1", "ip", ["-ts", "monitor", "address"]);
        using var m1 = lab.Start(lab.Hosts[1].Namespace, "monitor@h2", "ip", ["-ts", "monitor", "address"]);
        await Task.Delay(300);
        var pid = Path.Combine(Path.GetDirectoryName(master.ConfigPath!)!, "actorha.pid");
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var (code, text) = Run(["switchover", "VI_1", "-p", pid]);
        Assert.Equal(0, code);
        Assert.Contains("(VI_1) maintenance on", text, StringComparison.Ordinal);
        Assert.True(await NetnsLab.WaitUntilAsync(() => lab.Hosts[0].HasAddress("192.0.2.100") && !lab.Hosts[1].HasAddress("192.0.2.100"), TimeSpan.FromSeconds(10)));
        output.WriteLine($"switchover done after {sw.ElapsedMilliseconds} ms");

        await Task.Delay(300);
        var added = m0.Lines.Where(l => l.Contains("192.0.2.100", StringComparison.Ordinal) && !l.Contains("Deleted", StringComparison.Ordinal)).Select(Stamp).First();
        var removed = m1.Lines.Where(l => l.Contains("Deleted", StringComparison.Ordinal) && l.Contains("192.0.2.100", StringComparison.Ordinal)).Select(Stamp).First();
        output.WriteLine($"new holder from {added:HH:mm:ss.ffffff}, old holder until {removed:HH:mm:ss.ffffff}: overlap {(removed - added).TotalMilliseconds:F1} ms");
        Assert.True(removed >= added, $"the VIP had no holder for {(added - removed).TotalMilliseconds:F1} ms");

        // The old master stays BACKUP (its effective priority is 1) until released, then preempts back.
        await Task.Delay(4500);
        Assert.False(lab.Hosts[1].HasAddress("192.0.2.100"));
        Assert.Equal(0, Run(["switchover", "VI_1", "--release", "-p", pid]).Code);
        Assert.True(await NetnsLab.WaitUntilAsync(() => lab.Hosts[1].HasAddress("192.0.2.100"), TimeSpan.FromSeconds(10)), "the released node did not preempt back");
    }

    private static DateTime Stamp(string line) =>
        DateTime.ParseExact(line[1..line.IndexOf(']', StringComparison.Ordinal)], "yyyy-MM-ddTHH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture);

    private static (int Code, string Text) Run(string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(LabNodes.ActorHaPath, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = System.Diagnostics.Process.Start(psi)!;
        var text = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, text);
    }
}

/// <summary>
/// switchover --to: the master hands over only to the peer the election picks. The peer's priority is known here
/// because it was master (alone) before the higher-priority node started and preempted it.
/// </summary>
[Collection("lab")]
public sealed class SwitchoverToTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Switchover_to_a_peer_heard_as_master_moves_the_vip_to_it_and_an_unknown_peer_is_refused()
    {
        using var lab = NetnsLab.Create(2, output);
        lab.Hosts[0].Start(Daemon.ActorHa, LabNodes.Instance(100));
        Assert.True(await NetnsLab.WaitUntilAsync(() => lab.Hosts[0].HasAddress("192.0.2.100"), TimeSpan.FromSeconds(15)));
        var master = lab.Hosts[1].Start(Daemon.ActorHa, LabNodes.Instance(200));
        Assert.True(await NetnsLab.WaitUntilAsync(() => lab.Hosts[1].HasAddress("192.0.2.100") && !lab.Hosts[0].HasAddress("192.0.2.100"), TimeSpan.FromSeconds(15)));
        var pid = Path.Combine(Path.GetDirectoryName(master.ConfigPath!)!, "actorha.pid");

        var (refusedCode, refused) = Run(["switchover", "VI_1", "--to", "192.0.2.99", "-p", pid]);
        output.WriteLine(refused);
        Assert.Equal(1, refusedCode);
        Assert.Contains("(VI_1) cannot confirm that 192.0.2.99 would take over", refused, StringComparison.Ordinal);
        Assert.Contains("peers heard: 192.0.2.11 priority 100", refused, StringComparison.Ordinal);
        Assert.True(lab.Hosts[1].HasAddress("192.0.2.100"), "a refused switchover moved the VIP");

        var (code, text) = Run(["switchover", "VI_1", "--to", "192.0.2.11", "-p", pid]);
        output.WriteLine(text);
        Assert.Equal(0, code);
        Assert.Contains("(VI_1) 192.0.2.11 last advertised priority 100, the highest heard", text, StringComparison.Ordinal);
        Assert.Contains("(VI_1) 192.0.2.11 took over", text, StringComparison.Ordinal);
        Assert.True(await NetnsLab.WaitUntilAsync(() => lab.Hosts[0].HasAddress("192.0.2.100") && !lab.Hosts[1].HasAddress("192.0.2.100"), TimeSpan.FromSeconds(5)));

        var (backupCode, backupText) = Run(["switchover", "VI_1", "--to", "192.0.2.11", "-p", pid]);
        Assert.Equal(0, backupCode);
        Assert.Contains("(VI_1) 192.0.2.11 is already master; nothing to do", backupText, StringComparison.Ordinal);
        Assert.Equal(0, Run(["switchover", "VI_1", "--release", "-p", pid]).Code);
        Assert.True(await NetnsLab.WaitUntilAsync(() => lab.Hosts[1].HasAddress("192.0.2.100"), TimeSpan.FromSeconds(10)), "the released node did not preempt back");
    }

    private static (int Code, string Text) Run(string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(LabNodes.ActorHaPath, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = System.Diagnostics.Process.Start(psi)!;
        var text = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, text);
    }
}
