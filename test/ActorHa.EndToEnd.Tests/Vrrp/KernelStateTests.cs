using ActorHa.EndToEnd.Tests.Lab;
using Xunit.Abstractions;

namespace ActorHa.EndToEnd.Tests.Vrrp;

/// <summary>What the node puts into the kernel, and that it takes exactly that out again, also after kill -9.</summary>
[Collection("lab")]
public sealed class KernelStateTests(ITestOutputHelper output)
{
    private const string Config = """
        static_ipaddress {
            203.0.113.1/24 dev eth0 label eth0:static
        }
        static_routes {
            198.51.100.0/24 via 192.0.2.1 dev eth0
        }
        static_rules {
            from 203.0.113.1 table 101 preference 3001
        }
        vrrp_instance VI_1 {
            state BACKUP
            interface eth0
            virtual_router_id 51
            priority 200
            advert_int 1
            virtual_ipaddress {
                192.0.2.100/24 dev eth0 label eth0:vip
            }
            virtual_ipaddress_excluded {
                203.0.113.50/32 dev eth0
                2001:db8::100/64 dev eth0
            }
            virtual_routes {
                203.0.113.128/25 via 192.0.2.1 dev eth0 metric 5
                blackhole 198.51.100.128/25
            }
            virtual_rules {
                from 192.0.2.100 table 100 preference 3000
                to 2001:db8:1::/64 table 100 preference 3002
                fwmark 0x10/0xff table 102 preference 3003
            }
        }
        """;

    /// <summary>Global addresses and all IPv4 routes (link-local addresses change state on their own: DAD).</summary>
    private static string Snapshot(LabHost h) => h.Sh("ip -o addr show scope global | awk '{print $2, $4}'; ip -4 route show table all | grep -v ' table local'; ip rule show; ip -6 rule show");

    private static string Routes(LabHost h) => h.Sh("ip -4 route show; ip -4 route show type blackhole");

    [Fact]
    public async Task Master_installs_vips_routes_and_statics_and_a_graceful_stop_removes_exactly_those()
    {
        using var lab = NetnsLab.Create(1, output);
        var host = lab.Hosts[0];
        var before = Snapshot(host);
        var node = host.Start(Daemon.ActorHa, Config);
        Assert.True(await NetnsLab.WaitUntilAsync(() => host.HasAddress("192.0.2.100"), TimeSpan.FromSeconds(15)));
        await Task.Delay(500);

        Assert.True(host.HasAddress("203.0.113.1"), "static_ipaddress missing");
        Assert.True(host.HasAddress("2001:db8::100"), "IPv6 VIP missing");
        Assert.True(host.HasAddress("203.0.113.50"), "virtual_ipaddress_excluded missing");
        Assert.Contains("eth0:vip", host.Sh("ip -o -4 addr show dev eth0"), StringComparison.Ordinal);
        var routes = Routes(host);
        Assert.Contains("198.51.100.0/24 via 192.0.2.1 dev eth0", routes, StringComparison.Ordinal);
        Assert.Contains("203.0.113.128/25 via 192.0.2.1 dev eth0", routes, StringComparison.Ordinal);
        Assert.Contains("blackhole 198.51.100.128/25", routes, StringComparison.Ordinal);
        var rules = host.Sh("ip rule show; ip -6 rule show");
        Assert.Contains("3000:\tfrom 192.0.2.100 lookup 100", rules, StringComparison.Ordinal);
        Assert.Contains("3001:\tfrom 203.0.113.1 lookup 101", rules, StringComparison.Ordinal);
        Assert.Contains("3002:\tfrom all to 2001:db8:1::/64 lookup 100", rules, StringComparison.Ordinal);
        Assert.Contains("3003:\tfrom all fwmark 0x10/0xff lookup 102", rules, StringComparison.Ordinal);

        node.Signal(15);
        Assert.True(node.WaitForExit(TimeSpan.FromSeconds(20)));
        Assert.Equal(0, node.ExitCode);
        Assert.Equal(before, Snapshot(host));
    }

    [Fact]
    public async Task Restart_after_kill_9_removes_what_the_dead_run_left_before_electing()
    {
        var lab = NetnsLab.Create(1, output);
        var host = lab.Hosts[0];
        var stateDir = Path.Combine(Path.GetTempPath(), $"actorha-ledger-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            var first = host.Start(Daemon.ActorHa, Config, "--state-dir", stateDir);
            Assert.True(await NetnsLab.WaitUntilAsync(() => host.HasAddress("192.0.2.100"), TimeSpan.FromSeconds(15)));
            await Task.Delay(500);
            first.Signal(9);
            Assert.True(first.WaitForExit(TimeSpan.FromSeconds(10)));
            Assert.True(host.HasAddress("192.0.2.100"), "kill -9 cannot clean up; the VIP should still be there");

            // The same state directory, a configuration without the instance: the VIP must go, nothing must be elected.
            var second = host.Start(Daemon.ActorHa, "global_defs {\n}\n", "--state-dir", stateDir);
            Assert.True(await second.WaitForLineAsync("left by a previous run", TimeSpan.FromSeconds(15)));
            Assert.True(await NetnsLab.WaitUntilAsync(() => !host.HasAddress("192.0.2.100") && !host.HasAddress("2001:db8::100"), TimeSpan.FromSeconds(5)));
            Assert.DoesNotContain("203.0.113.128/25", Routes(host), StringComparison.Ordinal);
            Assert.True(await second.WaitForLineAsync("removing address 192.0.2.100/24 dev eth0 left by a previous run (VI_1)", TimeSpan.FromSeconds(5)));
        }
        finally
        {
            // Stop the nodes first: a running node rewrites its ledger, and deleting under it fails ("Directory not empty").
            lab.Dispose();
            if (Directory.Exists(stateDir))
            {
                Directory.Delete(stateDir, recursive: true);
            }
        }
    }
}
