using ActorHa.EndToEnd.Tests.Lab;
using Xunit.Abstractions;

namespace ActorHa.EndToEnd.Tests.Vrrp;

/// <summary>vrrp_script in the lab: a failing check hands the VIP over (weight) or faults the instance (weight 0).</summary>
[Collection("lab")]
public sealed class TrackScriptTests(ITestOutputHelper output) : IDisposable
{
    private const string Vip = "192.0.2.100";
    private readonly string _dir = Directory.CreateTempSubdirectory("actorha-e2e-track-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Config(int priority, string flag, int weight) => $$"""
        vrrp_script chk_service {
            script "/usr/bin/test -e {{flag}}"
            interval 0.2
            fall 2
            rise 2
            weight {{weight}}
        }

        """ + LabNodes.Instance(priority, extra: "track_script {\n        chk_service\n    }");

    [Fact]
    public async Task A_failing_check_with_weight_lowers_the_priority_and_the_backup_takes_over_then_gives_back()
    {
        using var lab = NetnsLab.Create(2, output);
        var flag = Path.Combine(_dir, "service-up");
        File.WriteAllText(flag, "");
        var master = lab.Hosts[0].Start(Daemon.ActorHa, Config(150, flag, -60));
        lab.Hosts[1].Start(Daemon.ActorHa, LabNodes.Instance(120));
        Assert.True(await NetnsLab.WaitUntilAsync(() => lab.Hosts[0].HasAddress(Vip), TimeSpan.FromSeconds(15)));
        await Task.Delay(1500);

        File.Delete(flag);
        Assert.True(await master.WaitForLineAsync("VRRP_Script(chk_service) failed", TimeSpan.FromSeconds(5)));
        Assert.True(await master.WaitForLineAsync("(VI_1) Changing effective priority from 150 to 90", TimeSpan.FromSeconds(2)));
        Assert.True(await NetnsLab.WaitUntilAsync(() => lab.Hosts[1].HasAddress(Vip) && !lab.Hosts[0].HasAddress(Vip), TimeSpan.FromSeconds(10)), "the backup did not take over");

        File.WriteAllText(flag, "");
        Assert.True(await master.WaitForLineAsync("VRRP_Script(chk_service) succeeded", TimeSpan.FromSeconds(5)));
        Assert.True(await NetnsLab.WaitUntilAsync(() => lab.Hosts[0].HasAddress(Vip) && !lab.Hosts[1].HasAddress(Vip), TimeSpan.FromSeconds(10)), "h1 did not preempt back");
    }

    [Fact]
    public async Task A_failing_check_with_weight_0_faults_the_instance_and_recovery_leaves_fault()
    {
        using var lab = NetnsLab.Create(2, output);
        var flag = Path.Combine(_dir, "service-up");
        File.WriteAllText(flag, "");
        var master = lab.Hosts[0].Start(Daemon.ActorHa, Config(150, flag, 0));
        lab.Hosts[1].Start(Daemon.ActorHa, LabNodes.Instance(120));
        Assert.True(await NetnsLab.WaitUntilAsync(() => lab.Hosts[0].HasAddress(Vip), TimeSpan.FromSeconds(15)));

        File.Delete(flag);
        Assert.True(await master.WaitForLineAsync("(VI_1) Entering FAULT STATE", TimeSpan.FromSeconds(5)));
        // The faulting master sent priority 0, so the backup takes over after Skew_Time, not Master_Down_Interval.
        Assert.True(await NetnsLab.WaitUntilAsync(() => lab.Hosts[1].HasAddress(Vip) && !lab.Hosts[0].HasAddress(Vip), TimeSpan.FromSeconds(3)));

        File.WriteAllText(flag, "");
        Assert.True(await master.WaitForLineAsync("(VI_1) Entering BACKUP STATE", TimeSpan.FromSeconds(5)));
        Assert.True(await NetnsLab.WaitUntilAsync(() => lab.Hosts[0].HasAddress(Vip), TimeSpan.FromSeconds(10)), "h1 did not preempt after leaving FAULT");
    }
}
