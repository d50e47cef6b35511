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
        var first = doc.RootElement[0];
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
