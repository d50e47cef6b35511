using ActorHa.EndToEnd.Tests.Lab;
using Xunit.Abstractions;

namespace ActorHa.EndToEnd.Tests.Vrrp;

/// <summary>vrrp_sync_group in the lab (seed 002's inside + outside pair): the two VIPs never split across hosts.</summary>
[Collection("lab")]
public sealed class SyncGroupTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorha-e2e-sync-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Pair(int priority, string insideExtra = "", string script = "", string groupExtra = "") => script + $$"""
        vrrp_sync_group VG_1 {
            group {
                inside_network
                outside_network
            }
            {{groupExtra}}
        }

        """ + LabNodes.Instance(priority, name: "inside_network", vrid: 51, extra: insideExtra)
        + LabNodes.Instance(priority, name: "outside_network", vip: "192.0.2.101/24", vrid: 52);

    [Fact]
    public async Task A_fault_on_one_member_moves_both_vips_and_recovery_brings_both_back()
    {
        using var lab = NetnsLab.Create(2, output);
        var flag = Path.Combine(_dir, "inside-ok");
        File.WriteAllText(flag, "");
        var script = $"vrrp_script chk_inside {{\n    script \"/usr/bin/test -e {flag}\"\n    interval 0.2\n}}\n";
        var h1 = lab.Hosts[0].Start(Daemon.ActorHa, Pair(150, "track_script {\n        chk_inside\n    }", script));
        lab.Hosts[1].Start(Daemon.ActorHa, Pair(120));
        bool On(int host, string vip) => lab.Hosts[host].HasAddress(vip);
        Assert.True(await NetnsLab.WaitUntilAsync(() => On(0, "192.0.2.100") && On(0, "192.0.2.101"), TimeSpan.FromSeconds(15)));
        await Task.Delay(1500);

        File.Delete(flag);
        Assert.True(await h1.WaitForLineAsync("VRRP_Group(VG_1) Syncing instances to FAULT state", TimeSpan.FromSeconds(5)));
        Assert.True(await NetnsLab.WaitUntilAsync(() => On(1, "192.0.2.100") && On(1, "192.0.2.101") && !On(0, "192.0.2.100") && !On(0, "192.0.2.101"), TimeSpan.FromSeconds(5)),
            "both VIPs should move to h2 together");
        Assert.True(await h1.WaitForLineAsync("(outside_network) Entering FAULT STATE", TimeSpan.FromSeconds(5)));

        File.WriteAllText(flag, "");
        Assert.True(await NetnsLab.WaitUntilAsync(() => On(0, "192.0.2.100") && On(0, "192.0.2.101") && !On(1, "192.0.2.100") && !On(1, "192.0.2.101"), TimeSpan.FromSeconds(15)),
            "both VIPs should come back to h1 together");
    }

    /// <summary>
    /// keepalived: a sync group's track_script "updates the status/priority of all VRRP instances which are members".
    /// Its weight -60 lowers both members from 150 to 90, below h2's 120, and both VIPs move together.
    /// </summary>
    [Fact]
    public async Task The_groups_own_track_script_lowers_every_member_and_both_vips_move()
    {
        using var lab = NetnsLab.Create(2, output);
        var flag = Path.Combine(_dir, "group-ok");
        File.WriteAllText(flag, "");
        var script = $"vrrp_script chk_group {{\n    script \"/usr/bin/test -e {flag}\"\n    interval 0.2\n}}\n";
        var h1 = lab.Hosts[0].Start(Daemon.ActorHa, Pair(150, script: script, groupExtra: "track_script {\n        chk_group weight -60\n    }"));
        lab.Hosts[1].Start(Daemon.ActorHa, Pair(120));
        bool On(int host, string vip) => lab.Hosts[host].HasAddress(vip);
        Assert.True(await NetnsLab.WaitUntilAsync(() => On(0, "192.0.2.100") && On(0, "192.0.2.101"), TimeSpan.FromSeconds(15)));
        await Task.Delay(1500);

        File.Delete(flag);
        Assert.True(await h1.WaitForLineAsync("(inside_network) Changing effective priority from 150 to 90", TimeSpan.FromSeconds(5)));
        Assert.True(await h1.WaitForLineAsync("(outside_network) Changing effective priority from 150 to 90", TimeSpan.FromSeconds(1)));
        Assert.True(await NetnsLab.WaitUntilAsync(() => On(1, "192.0.2.100") && On(1, "192.0.2.101") && !On(0, "192.0.2.100") && !On(0, "192.0.2.101"), TimeSpan.FromSeconds(5)),
            "both VIPs should move to h2 together");

        File.WriteAllText(flag, "");
        Assert.True(await NetnsLab.WaitUntilAsync(() => On(0, "192.0.2.100") && On(0, "192.0.2.101") && !On(1, "192.0.2.100") && !On(1, "192.0.2.101"), TimeSpan.FromSeconds(15)),
            "both VIPs should come back to h1 together");
    }
}
