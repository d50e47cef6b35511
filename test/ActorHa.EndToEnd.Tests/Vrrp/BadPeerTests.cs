using ActorHa.EndToEnd.Tests.Lab;
using Xunit.Abstractions;

namespace ActorHa.EndToEnd.Tests.Vrrp;

/// <summary>
/// A host that floods the segment with broken adverts claiming a higher priority must not disturb the group:
/// the backup still takes over when the real master dies, the adverts are counted, the log is rate-limited.
/// The adverts are hand-made Ethernet frames (deploy/golden/vrrp_lab.py inject) sent from the client namespace.
/// </summary>
[Collection("lab")]
public sealed class BadPeerTests(ITestOutputHelper output)
{
    private const string Vip = "192.0.2.100";

    [Theory]
    [InlineData("ttl=64", "(VI_1) invalid TTL/HL. Received 64 and expect 255")]
    [InlineData("pass=wrong", "(VI_1) received an invalid passwd!")]
    [InlineData("csum=4660", "(VI_1) Invalid VRRPv2 checksum")]
    [InlineData("ips=198.51.100.7", "(VI_1) ip address associated with VRID 51 not present in MASTER advert: 192.0.2.100")]
    public async Task Broken_higher_priority_adverts_neither_hold_the_backup_down_nor_flood_the_log(string defect, string expectedLine)
    {
        NetnsLab.RequireRootAndTools("python3");
        using var lab = NetnsLab.Create(1, output);
        var node = lab.Hosts[0].Start(Daemon.ActorHa, LabNodes.Instance(100, auth: LabNodes.PassAuth));
        Assert.True(await node.WaitForLineAsync("(VI_1) Entering BACKUP STATE (init)", TimeSpan.FromSeconds(15)));

        // Ten adverts a second for 6 s, each claiming priority 200 from 192.0.2.200, with one defect.
        var spec = $"src=192.0.2.200,prio=200,auth=1,pass=s3cret,ips=192.0.2.100,{defect}";
        var injecting = System.Diagnostics.Stopwatch.StartNew();
        var injector = lab.Start(lab.Client.Namespace, "injector", "sh",
            ["-c", $"python3 {LabNodes.RepoRoot}/deploy/golden/vrrp_lab.py repeat 60 0.1 eth0 '{spec}' >/dev/null"]);

        // A valid master at 200 would keep us BACKUP forever; broken ones must not: we take over after 3.6 s.
        Assert.True(await NetnsLab.WaitUntilAsync(() => lab.Hosts[0].HasAddress(Vip), TimeSpan.FromSeconds(8)), "the broken adverts held the backup down");
        Assert.True(injector.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, injector.ExitCode);
        // 60 bad adverts, logged at most once per 10 s window: on a loaded machine the injector may take longer than
        // 6 s, so the bound follows the time it really took.
        var windows = (int)(injecting.Elapsed.TotalSeconds / 10) + 1;
        var lines = node.Lines.Count(l => l.EndsWith(expectedLine, StringComparison.Ordinal));
        Assert.InRange(lines, 1, windows);
        Assert.True(await node.WaitForLineAsync("(VI_1) Entering MASTER STATE", TimeSpan.FromSeconds(5)));
    }
}
