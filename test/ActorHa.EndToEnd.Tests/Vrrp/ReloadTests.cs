using System.Globalization;
using ActorHa.EndToEnd.Tests.Lab;
using Xunit.Abstractions;

namespace ActorHa.EndToEnd.Tests.Vrrp;

/// <summary>Hot reload in the lab: a diff, not a restart; a bad configuration changes nothing.</summary>
[Collection("lab")]
public sealed class ReloadTests(ITestOutputHelper output)
{
    private const int SigHup = 1;

    private static string Vi1(string vips = "192.0.2.100/24") => LabNodes.Instance(200, vip: vips);

    private static string Vi2 => LabNodes.Instance(200, vip: "192.0.2.101/24", vrid: 52, name: "VI_2");

    private static async Task Reload(LabProcess node, string config, string expect)
    {
        var before = node.Lines.Count;
        await File.WriteAllTextAsync(node.ConfigPath!, config);
        node.Signal(SigHup);
        Assert.True(await NetnsLab.WaitUntilAsync(() => node.Lines.Skip(before).Any(l => l.Contains(expect, StringComparison.Ordinal)), TimeSpan.FromSeconds(15)),
            $"no '{expect}' after the reload: {string.Join(" | ", node.Lines.Skip(before))}");
    }

    [Fact]
    public async Task Reload_adds_changes_and_removes_instances_and_rejects_a_bad_config_without_touching_the_rest()
    {
        using var lab = NetnsLab.Create(1, output);
        var host = lab.Hosts[0];
        var node = host.Start(Daemon.ActorHa, Vi1());
        Assert.True(await NetnsLab.WaitUntilAsync(() => host.HasAddress("192.0.2.100"), TimeSpan.FromSeconds(15)));
        // The VIP goes in before the state line is logged (a takeover's log lines follow in its next turn): wait for the line.
        Assert.True(await node.WaitForLineAsync("(VI_1) Entering MASTER STATE", TimeSpan.FromSeconds(5)));
        var masterLines = node.Lines.Count(l => l.Contains("(VI_1) Entering MASTER STATE", StringComparison.Ordinal));

        await Reload(node, Vi1() + Vi2, "configuration reloaded: 0 instance(s) changed, 1 unchanged, 1 added, 0 removed");
        Assert.True(await NetnsLab.WaitUntilAsync(() => host.HasAddress("192.0.2.101"), TimeSpan.FromSeconds(15)), "the added VI_2 never took its VIP");

        await Reload(node, Vi1("192.0.2.100/24\n        192.0.2.102/24") + Vi2, "configuration reloaded: 1 instance(s) changed");
        Assert.True(await NetnsLab.WaitUntilAsync(() => host.HasAddress("192.0.2.102"), TimeSpan.FromSeconds(5)), "the VIP added to VI_1 was not installed");

        await Reload(node, Vi1("192.0.2.100/24\n        192.0.2.102/24").Replace("priority 200", "priority 300", StringComparison.Ordinal) + Vi2,
            "reload rejected: 1 error(s) in the new configuration; the running configuration stays");
        Assert.True(await node.WaitForLineAsync("error: (VI_1) priority 300 not in 1..255, using 100", TimeSpan.FromSeconds(5)));
        Assert.True(host.HasAddress("192.0.2.101") && host.HasAddress("192.0.2.102"));

        await Reload(node, Vi1(), "configuration reloaded: 1 instance(s) changed, 0 unchanged, 0 added, 1 removed");
        Assert.True(await NetnsLab.WaitUntilAsync(() => !host.HasAddress("192.0.2.101") && !host.HasAddress("192.0.2.102"), TimeSpan.FromSeconds(5)));
        Assert.True(host.HasAddress("192.0.2.100"));
        // VI_1 never left MASTER through all of it.
        Assert.Equal(masterLines, node.Lines.Count(l => l.Contains("(VI_1) Entering MASTER STATE", StringComparison.Ordinal)));
        Assert.DoesNotContain(node.Lines, l => l.Contains("(VI_1) Entering BACKUP", StringComparison.Ordinal) && !l.Contains("(init)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_changed_conf_d_fragment_is_picked_up_without_a_signal()
    {
        using var lab = NetnsLab.Create(1, output);
        var host = lab.Hosts[0];
        var node = host.Start(Daemon.ActorHa, "include conf.d/*.conf\n");
        var confd = Path.Combine(Path.GetDirectoryName(node.ConfigPath!)!, "conf.d");
        Directory.CreateDirectory(confd);
        // The folders are watched from "Startup complete" on; on a loaded machine that can be later than 1.5 s.
        Assert.True(await node.WaitForLineAsync("Startup complete", TimeSpan.FromSeconds(15)));
        await Task.Delay(500);
        await File.WriteAllTextAsync(Path.Combine(confd, "web.conf"), Vi1());
        Assert.True(await node.WaitForLineAsync("configuration reloaded", TimeSpan.FromSeconds(15)));
        Assert.True(await NetnsLab.WaitUntilAsync(() => host.HasAddress("192.0.2.100"), TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public async Task A_fragment_written_while_the_node_starts_is_not_missed()
    {
        // Between reading the configuration and starting the folder watcher there are seconds on a loaded host; a
        // fragment written then is found by the watcher's look at modification times when it starts.
        using var lab = NetnsLab.Create(1, output);
        var host = lab.Hosts[0];
        var node = host.Start(Daemon.ActorHa, "include conf.d/*.conf\n");
        var confd = Path.Combine(Path.GetDirectoryName(node.ConfigPath!)!, "conf.d");
        Directory.CreateDirectory(confd);
        Assert.True(await node.WaitForLineAsync("Configuration file", TimeSpan.FromSeconds(15)));
        await File.WriteAllTextAsync(Path.Combine(confd, "web.conf"), Vi1());
        Assert.True(await NetnsLab.WaitUntilAsync(() => host.HasAddress("192.0.2.100"), TimeSpan.FromSeconds(20)), "the fragment was missed");
    }

    [Fact]
    public async Task Twenty_reloads_cause_no_advert_gap_and_no_state_change()
    {
        using var lab = NetnsLab.Create(1, output);
        var host = lab.Hosts[0];
        var node = host.Start(Daemon.ActorHa, Vi1() + Vi2);
        Assert.True(await NetnsLab.WaitUntilAsync(() => host.HasAddress("192.0.2.100"), TimeSpan.FromSeconds(15)));
        await Task.Delay(1500);
        using var capture = lab.Start(lab.Client.Namespace, "tcpdump-tt", "tcpdump", ["-l", "-n", "-tt", "-i", "eth0", "ip proto 112 and ip[21] == 51"]);
        Assert.True(await capture.WaitForLineAsync("listening on", TimeSpan.FromSeconds(10)));
        for (var i = 0; i < 20; i++)
        {
            // Alternate between two equivalent files (a comment differs) so each reload really compiles something.
            await File.WriteAllTextAsync(node.ConfigPath!, (i % 2 == 0 ? "! edit\n" : "") + Vi1() + Vi2);
            node.Signal(SigHup);
            await Task.Delay(250);
        }

        await Task.Delay(1500);
        var times = capture.Lines.Where(l => l.Contains("vrid 51", StringComparison.Ordinal))
            .Select(l => double.Parse(l.Split(' ')[0], CultureInfo.InvariantCulture)).ToList();
        Assert.True(times.Count >= 5, $"only {times.Count} adverts captured");
        var maxGap = times.Zip(times.Skip(1), (a, b) => b - a).Max();
        output.WriteLine($"{times.Count} adverts over 20 reloads, largest gap {maxGap * 1000:F0} ms");
        Assert.True(maxGap < 1.5, $"advert gap {maxGap:F3} s during reloads");
        // Each edit reloads twice at most: the SIGHUP, and the watcher noticing the file (debounced).
        Assert.InRange(node.Lines.Count(l => l.Contains("configuration reloaded: 0 instance(s) changed, 2 unchanged, 0 added, 0 removed", StringComparison.Ordinal)), 20, 40);
        Assert.DoesNotContain(node.Lines, l => l.Contains("configuration reloaded: ", StringComparison.Ordinal) && !l.Contains("0 instance(s) changed, 2 unchanged, 0 added, 0 removed", StringComparison.Ordinal));
        Assert.Equal(1, node.Lines.Count(l => l.Contains("(VI_1) Entering MASTER STATE", StringComparison.Ordinal)));
    }
}
