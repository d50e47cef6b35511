using ActorHa.EndToEnd.Tests.Lab;
using Xunit.Abstractions;

namespace ActorHa.EndToEnd.Tests.Vrrp;

/// <summary>track_file in the lab: a number written into the file moves the master's priority, and the VIP with it.</summary>
[Collection("lab")]
public sealed class TrackFileTests(ITestOutputHelper output) : IDisposable
{
    private const string Vip = "192.0.2.100";
    private readonly string _dir = Directory.CreateTempSubdirectory("actorha-e2e-tf-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Config(int priority, string file, int weight) => $$"""
        track_file tf_service {
            file {{file}}
            weight {{weight}}
            init_file 0 overwrite
        }

        """ + LabNodes.Instance(priority, extra: "track_file {\n        tf_service\n    }");

    [Fact]
    public async Task A_value_written_into_the_file_drops_the_master_below_the_backup_and_0_brings_it_back()
    {
        using var lab = NetnsLab.Create(2, output);
        var file = Path.Combine(_dir, "service-load");
        var master = lab.Hosts[0].Start(Daemon.ActorHa, Config(150, file, -30));
        lab.Hosts[1].Start(Daemon.ActorHa, LabNodes.Instance(120));
        Assert.True(await NetnsLab.WaitUntilAsync(() => lab.Hosts[0].HasAddress(Vip), TimeSpan.FromSeconds(15)));
        Assert.Equal("0\n", File.ReadAllText(file));
        await Task.Delay(1500);

        // 2 x -30: 150 -> 90, below the backup's 120; the backup preempts on the lower-priority advert.
        File.WriteAllText(file, "2\n");
        Assert.True(await master.WaitForLineAsync("(VI_1) Changing effective priority from 150 to 90", TimeSpan.FromSeconds(3)));
        Assert.True(await NetnsLab.WaitUntilAsync(() => lab.Hosts[1].HasAddress(Vip) && !lab.Hosts[0].HasAddress(Vip), TimeSpan.FromSeconds(5)), "the backup did not take over");

        File.WriteAllText(file, "0\n");
        Assert.True(await master.WaitForLineAsync("(VI_1) Changing effective priority from 90 to 150", TimeSpan.FromSeconds(3)));
        Assert.True(await NetnsLab.WaitUntilAsync(() => lab.Hosts[0].HasAddress(Vip) && !lab.Hosts[1].HasAddress(Vip), TimeSpan.FromSeconds(10)), "h1 did not preempt back");
    }

    [Fact]
    public async Task With_weight_0_a_non_zero_value_faults_the_master_and_0_recovers_it()
    {
        using var lab = NetnsLab.Create(2, output);
        var file = Path.Combine(_dir, "maintenance");
        var master = lab.Hosts[0].Start(Daemon.ActorHa, Config(150, file, 0));
        lab.Hosts[1].Start(Daemon.ActorHa, LabNodes.Instance(120));
        Assert.True(await NetnsLab.WaitUntilAsync(() => lab.Hosts[0].HasAddress(Vip), TimeSpan.FromSeconds(15)));

        File.WriteAllText(file, "1\n");
        Assert.True(await master.WaitForLineAsync("(VI_1) Entering FAULT STATE", TimeSpan.FromSeconds(3)));
        Assert.True(await NetnsLab.WaitUntilAsync(() => lab.Hosts[1].HasAddress(Vip) && !lab.Hosts[0].HasAddress(Vip), TimeSpan.FromSeconds(3)));

        File.WriteAllText(file, "0\n");
        Assert.True(await master.WaitForLineAsync("(VI_1) Entering BACKUP STATE", TimeSpan.FromSeconds(3)));
        Assert.True(await NetnsLab.WaitUntilAsync(() => lab.Hosts[0].HasAddress(Vip), TimeSpan.FromSeconds(10)), "h1 did not preempt after leaving FAULT");
    }
}
