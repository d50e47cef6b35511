using ActorHa.EndToEnd.Tests.Lab;
using Xunit.Abstractions;

namespace ActorHa.EndToEnd.Tests.Vrrp;

/// <summary>
/// Links in the lab: the instance's own interface going down (FAULT, the backup takes over, preemption back once
/// it is up), a track_interface weight moving the election, and use_vmac's macvlan carrying the VIP with the
/// virtual MAC. Every link touched is inside a namespace the lab created.
/// </summary>
[Collection("lab")]
public sealed class LinkTests(ITestOutputHelper output)
{
    private const string Vip = "192.0.2.100";
    private static readonly TimeSpan Election = TimeSpan.FromSeconds(15);

    private static bool Holds(LabHost host) => host.HasAddress(Vip);

    [Fact]
    public async Task Master_whose_interface_goes_down_enters_fault_and_preempts_back_when_it_is_up()
    {
        using var lab = NetnsLab.Create(2, output);
        lab.Hosts[0].Start(Daemon.ActorHa, LabNodes.Instance(100));
        var master = lab.Hosts[1].Start(Daemon.ActorHa, LabNodes.Instance(200));
        Assert.True(await NetnsLab.WaitUntilAsync(() => Holds(lab.Hosts[1]), Election));
        await Task.Delay(1500);

        lab.Hosts[1].Sh("ip link set eth0 down");
        Assert.True(await master.WaitForLineAsync("Netlink reports eth0 down", TimeSpan.FromSeconds(2)));
        Assert.True(await master.WaitForLineAsync("(VI_1) Entering FAULT STATE", TimeSpan.FromSeconds(2)));
        Assert.True(await NetnsLab.WaitUntilAsync(() => !Holds(lab.Hosts[1]), TimeSpan.FromSeconds(2)), "the faulted master kept the VIP");
        Assert.True(await NetnsLab.WaitUntilAsync(() => Holds(lab.Hosts[0]), Election), "the backup did not take over");

        lab.Hosts[1].Sh("ip link set eth0 up");
        Assert.True(await master.WaitForLineAsync("Netlink reports eth0 up", TimeSpan.FromSeconds(5)));
        Assert.True(await master.WaitForLineAsync("(VI_1) Entering BACKUP STATE", TimeSpan.FromSeconds(5)));
        Assert.True(await NetnsLab.WaitUntilAsync(() => Holds(lab.Hosts[1]) && !Holds(lab.Hosts[0]), Election), "priority 200 did not preempt back");
    }

    [Fact]
    public async Task Tracked_interface_with_weight_going_down_hands_the_vip_to_the_backup_and_back()
    {
        using var lab = NetnsLab.Create(2, output);
        // A second link inside h2's namespace: taking its peer down takes its carrier away.
        lab.Hosts[1].Sh("ip link add trk type veth peer name trkpeer && ip link set trk up && ip link set trkpeer up");
        lab.Hosts[0].Start(Daemon.ActorHa, LabNodes.Instance(150));
        var master = lab.Hosts[1].Start(Daemon.ActorHa, LabNodes.Instance(200, extra: "track_interface {\n        trk weight -100\n    }"));
        Assert.True(await NetnsLab.WaitUntilAsync(() => Holds(lab.Hosts[1]), Election));
        await Task.Delay(1500);

        lab.Hosts[1].Sh("ip link set trkpeer down");
        Assert.True(await master.WaitForLineAsync("Netlink reports trk down", TimeSpan.FromSeconds(2)));
        Assert.True(await master.WaitForLineAsync("(VI_1) Changing effective priority from 200 to 100", TimeSpan.FromSeconds(2)));
        Assert.True(await NetnsLab.WaitUntilAsync(() => Holds(lab.Hosts[0]) && !Holds(lab.Hosts[1]), Election), "the backup (150) did not take over from priority 100");
        Assert.False(master.HasLine("Entering FAULT STATE"));

        lab.Hosts[1].Sh("ip link set trkpeer up");
        Assert.True(await master.WaitForLineAsync("(VI_1) Changing effective priority from 100 to 200", TimeSpan.FromSeconds(5)));
        Assert.True(await NetnsLab.WaitUntilAsync(() => Holds(lab.Hosts[1]) && !Holds(lab.Hosts[0]), Election), "priority 200 did not preempt back");
    }

    [Fact]
    public async Task Use_vmac_puts_the_vip_on_vrrp_51_answers_arp_with_the_virtual_mac_and_stop_removes_the_vmac()
    {
        NetnsLab.RequireRootAndTools("arping");
        using var lab = NetnsLab.Create(2, output);
        const string virtualMac = "00:00:5e:00:01:33";
        var backup = lab.Hosts[0].Start(Daemon.ActorHa, LabNodes.Instance(100, extra: "use_vmac"));
        var master = lab.Hosts[1].Start(Daemon.ActorHa, LabNodes.Instance(200, extra: "use_vmac"));
        Assert.True(await NetnsLab.WaitUntilAsync(() => OnVmac(lab.Hosts[1]), Election), "the VIP never appeared on h2's vrrp.51");
        Assert.True(await master.WaitForLineAsync("(VI_1): Success creating VMAC interface vrrp.51", TimeSpan.FromSeconds(5)));
        Assert.Contains(virtualMac, lab.Hosts[1].Sh("cat /sys/class/net/vrrp.51/address"), StringComparison.Ordinal);
        // keepalived 2.2.7's settings: the base stops answering ARP for addresses it does not hold.
        Assert.Equal("1 1", lab.Hosts[1].Sh("echo $(cat /proc/sys/net/ipv4/conf/eth0/arp_ignore /proc/sys/net/ipv4/conf/eth0/arp_filter)").Trim());
        Assert.Contains("vrrp.51@eth0", lab.Hosts[0].Sh("ip -o link show"), StringComparison.Ordinal);
        Assert.False(Holds(lab.Hosts[0]));

        // The VIP is answered for by the macvlan only. (A ping is no test of this: the echo reply leaves by eth0's
        // route, and the ARP request h2 sends there for the client, from the VIP, rewrites the client's entry.)
        Assert.Contains(virtualMac, lab.Client.Sh($"arping -c2 -w3 -I eth0 {Vip}"), StringComparison.OrdinalIgnoreCase);
        lab.Client.Sh($"ping -c1 -W2 {Vip}");

        using var capture = lab.Capture(lab.Client, "arp and host 192.0.2.100");
        master.Signal(15);
        Assert.True(await NetnsLab.WaitUntilAsync(() => OnVmac(lab.Hosts[0]), TimeSpan.FromSeconds(5)), "h1 did not take the VIP onto its vrrp.51");
        Assert.True(await capture.WaitForLineAsync(virtualMac, TimeSpan.FromSeconds(5)), "no gratuitous ARP from the virtual MAC after the failover");
        Assert.True(master.WaitForExit(TimeSpan.FromSeconds(20)));
        Assert.Equal(0, master.ExitCode);
        Assert.DoesNotContain("vrrp.51", lab.Hosts[1].Sh("ip -o link show"), StringComparison.Ordinal);
        Assert.Equal("0 0", lab.Hosts[1].Sh("echo $(cat /proc/sys/net/ipv4/conf/eth0/arp_ignore /proc/sys/net/ipv4/conf/eth0/arp_filter)").Trim());
        Assert.Contains(virtualMac, lab.Client.Sh($"arping -c2 -w3 -I eth0 {Vip}"), StringComparison.OrdinalIgnoreCase);
        lab.Client.Sh($"ping -c1 -W2 {Vip}");

        backup.Signal(15);
        Assert.True(backup.WaitForExit(TimeSpan.FromSeconds(20)));
        Assert.DoesNotContain("vrrp.51", lab.Hosts[0].Sh("ip -o link show"), StringComparison.Ordinal);
    }

    private static bool OnVmac(LabHost host) =>
        NetnsLab.Run("ip", ["-n", host.Namespace, "-o", "addr", "show", "dev", "vrrp.51"], check: false).Contains($" {Vip}/", StringComparison.Ordinal);
}
