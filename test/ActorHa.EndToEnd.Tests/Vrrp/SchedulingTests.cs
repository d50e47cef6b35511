using ActorHa.EndToEnd.Tests.Lab;
using Xunit.Abstractions;

namespace ActorHa.EndToEnd.Tests.Vrrp;

/// <summary>
/// keepalived's vrrp_rt_priority / vrrp_priority, applied to ActorHa's VRRP threads (the event loop and the
/// receivers) and to nothing else: read back from /proc for each thread of the running node.
/// </summary>
[Collection("lab")]
public sealed class SchedulingTests(ITestOutputHelper output)
{
    /// <summary>thread name -> (scheduling policy, rt priority, nice) from /proc/PID/task/TID/stat.</summary>
    private static Dictionary<string, (int Policy, int RtPriority, int Nice)> Threads(int pid)
    {
        var threads = new Dictionary<string, (int, int, int)>();
        foreach (var task in Directory.GetDirectories($"/proc/{pid}/task"))
        {
            var stat = File.ReadAllText(Path.Combine(task, "stat"));
            var name = stat[(stat.IndexOf('(', StringComparison.Ordinal) + 1)..stat.LastIndexOf(')')];
            // Fields after "(comm) ": field 3 is state; nice is field 19, rt_priority 40, policy 41.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            threads.TryAdd(name, (int.Parse(fields[41 - 3]), int.Parse(fields[40 - 3]), int.Parse(fields[19 - 3])));
        }

        return threads;
    }

    [Fact]
    public async Task Vrrp_rt_priority_and_vrrp_priority_apply_to_the_vrrp_threads_only()
    {
        using var lab = NetnsLab.Create(2, output);
        var rt = lab.Hosts[0].Start(Daemon.ActorHa, "global_defs {\n  vrrp_rt_priority 20\n}\n" + LabNodes.Instance(100));
        var nice = lab.Hosts[1].Start(Daemon.ActorHa, "global_defs {\n  vrrp_priority -5\n}\n" + LabNodes.Instance(50));
        Assert.True(await rt.WaitForLineAsync("(VI_1) Entering BACKUP STATE (init)", TimeSpan.FromSeconds(15)));
        Assert.True(await nice.WaitForLineAsync("(VI_1) Entering BACKUP STATE (init)", TimeSpan.FromSeconds(15)));
        Assert.True(await rt.WaitForLineAsync("VRRP threads run SCHED_RR at priority 20", TimeSpan.FromSeconds(5)));
        Assert.True(await nice.WaitForLineAsync("VRRP threads run at nice -5", TimeSpan.FromSeconds(5)));

        var rtThreads = Threads(rt.Pid);
        output.WriteLine(string.Join(", ", rtThreads.Select(t => $"{t.Key}={t.Value}")));
        Assert.Equal((2, 20, 0), rtThreads["actorha-loop"]);
        Assert.Equal((2, 20, 0), rtThreads["vrrp-rx-eth0-4"]);
        // Everything else (the runtime's threads, Akka's dispatcher, scripts) stays SCHED_OTHER.
        Assert.Equal(0, rtThreads.Where(t => t.Key is not ("actorha-loop" or "vrrp-rx-eth0-4")).Max(t => t.Value.Policy));

        var niceThreads = Threads(nice.Pid);
        Assert.Equal((0, 0, -5), niceThreads["actorha-loop"]);
        Assert.Equal((0, 0, -5), niceThreads["vrrp-rx-eth0-4"]);
        Assert.Equal(0, niceThreads.Where(t => t.Key is not ("actorha-loop" or "vrrp-rx-eth0-4")).Min(t => t.Value.Nice));
    }
}
