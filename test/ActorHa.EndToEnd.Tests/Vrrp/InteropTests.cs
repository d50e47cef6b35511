using ActorHa.EndToEnd.Tests.Lab;
using Xunit.Abstractions;

namespace ActorHa.EndToEnd.Tests.Vrrp;

/// <summary>ActorHa and Debian's keepalived 2.2.7 in one VRRP group, both directions, v2 with PASS and v3.</summary>
[Collection("lab")]
public sealed class InteropTests(ITestOutputHelper output)
{
    private const string Vip = "192.0.2.100";
    private static readonly TimeSpan Election = TimeSpan.FromSeconds(15);

    private static string V2(int priority) => LabNodes.Instance(priority, auth: LabNodes.PassAuth);

    private static string V3(int priority) => LabNodes.Instance(priority, extra: "version 3", advertInt: "0.5");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Keepalived_master_killed_actorha_takes_over(bool v3)
    {
        using var lab = NetnsLab.Create(2, output);
        var actorha = lab.Hosts[0].Start(Daemon.ActorHa, v3 ? V3(100) : V2(100));
        var keepalived = lab.Hosts[1].Start(Daemon.Keepalived, v3 ? V3(200) : V2(200));
        Assert.True(await NetnsLab.WaitUntilAsync(() => lab.Hosts[1].HasAddress(Vip), Election), "keepalived never became master");
        await Task.Delay(3000);
        Assert.False(lab.Hosts[0].HasAddress(Vip), "ActorHa took the VIP from a healthy higher-priority keepalived");
        var rejected = actorha.Lines.Where(l => !l.Contains("[TREE]", StringComparison.Ordinal)
            && (l.Contains("(VI_1) invalid", StringComparison.Ordinal) || l.Contains("(VI_1) Invalid", StringComparison.Ordinal)
                || l.Contains("passwd", StringComparison.Ordinal) || l.Contains("(VI_1) received a", StringComparison.Ordinal)
                || l.Contains("not present in MASTER advert", StringComparison.Ordinal) || l.Contains("wrong version", StringComparison.Ordinal))).ToList();
        Assert.True(rejected.Count == 0, "ActorHa rejected keepalived's adverts: " + string.Join(" | ", rejected));

        keepalived.Signal(9);
        lab.Hosts[1].Sh("ip link set eth0 down");
        Assert.True(await NetnsLab.WaitUntilAsync(() => lab.Hosts[0].HasAddress(Vip), Election), "ActorHa did not take over");
        Assert.True(await actorha.WaitForLineAsync("(VI_1) Entering MASTER STATE", TimeSpan.FromSeconds(5)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Actorha_master_killed_keepalived_takes_over(bool v3)
    {
        using var lab = NetnsLab.Create(2, output);
        var keepalived = lab.Hosts[0].Start(Daemon.Keepalived, v3 ? V3(100) : V2(100));
        var actorha = lab.Hosts[1].Start(Daemon.ActorHa, v3 ? V3(200) : V2(200));
        Assert.True(await NetnsLab.WaitUntilAsync(() => lab.Hosts[1].HasAddress(Vip), Election), "ActorHa never became master");
        await Task.Delay(3000);
        Assert.False(lab.Hosts[0].HasAddress(Vip), "keepalived did not accept ActorHa as master");
        Assert.DoesNotContain(keepalived.Lines, l => l.Contains("checksum", StringComparison.OrdinalIgnoreCase) || l.Contains("passwd", StringComparison.Ordinal));

        actorha.Signal(9);
        lab.Hosts[1].Sh("ip link set eth0 down");
        Assert.True(await NetnsLab.WaitUntilAsync(() => lab.Hosts[0].HasAddress(Vip), Election), "keepalived did not take over");
    }

    [Fact]
    public async Task Mixed_three_node_group_preempts_and_hands_over_gracefully()
    {
        using var lab = NetnsLab.Create(3, output);
        lab.Hosts[0].Start(Daemon.Keepalived, V2(100));
        var actorha = lab.Hosts[1].Start(Daemon.ActorHa, V2(150));
        Assert.True(await NetnsLab.WaitUntilAsync(() => lab.Hosts[1].HasAddress(Vip), Election), "ActorHa (150) should beat keepalived (100)");

        // A higher-priority keepalived joining preempts ActorHa.
        var top = lab.Hosts[2].Start(Daemon.Keepalived, V2(200));
        Assert.True(await NetnsLab.WaitUntilAsync(() => lab.Hosts[2].HasAddress(Vip), Election), "keepalived (200) did not preempt");
        Assert.True(await NetnsLab.WaitUntilAsync(() => !lab.Hosts[1].HasAddress(Vip), TimeSpan.FromSeconds(5)));
        Assert.True(await actorha.WaitForLineAsync("(VI_1) Master received advert from 192.0.2.13 with higher priority 200, ours 150", TimeSpan.FromSeconds(5)));

        // keepalived stopping gracefully (priority 0) hands the VIP back to ActorHa, not to the 100 node.
        top.Signal(15);
        Assert.True(await NetnsLab.WaitUntilAsync(() => lab.Hosts[1].HasAddress(Vip), Election), "ActorHa (150) did not take over from the stopping keepalived");
        await Task.Delay(2000);
        Assert.False(lab.Hosts[0].HasAddress(Vip));
        Assert.False(lab.Hosts[2].HasAddress(Vip));
    }
}
