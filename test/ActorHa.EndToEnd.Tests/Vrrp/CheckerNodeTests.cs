using ActorHa.EndToEnd.Tests.Lab;
using Xunit.Abstractions;

namespace ActorHa.EndToEnd.Tests.Vrrp;

/// <summary>The node runs its virtual_server checkers against a real backend even on a kernel without IPVS.</summary>
[Collection("lab")]
public sealed class CheckerNodeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Checkers_run_and_log_transitions_and_the_node_says_once_that_ipvs_is_unavailable()
    {
        NetnsLab.RequireRootAndTools("python3");
        using var lab = NetnsLab.Create(2, output);
        var backend = lab.Start(lab.Hosts[1].Namespace, "backend", "python3", ["-m", "http.server", "--bind", "192.0.2.12", "8080"]);
        var node = lab.Hosts[0].Start(Daemon.ActorHa, Vs("192.0.2.100", 1));
        Assert.True(await node.WaitForLineAsync("IPVS: Can't initialize ipvs", TimeSpan.FromSeconds(15)));
        Assert.True(await node.WaitForLineAsync("TCP connection to [192.0.2.12]:tcp:8080 success.", TimeSpan.FromSeconds(15)));

        backend.Signal(9);
        Assert.True(await node.WaitForLineAsync("Removing service [192.0.2.12]:tcp:8080 from VS [192.0.2.100]:tcp:80", TimeSpan.FromSeconds(15)));
        Assert.Equal(1, node.Lines.Count(l => l.Contains("IPVS: Can't initialize ipvs", StringComparison.Ordinal)));
    }

    private static string Vs(string address, int delayLoop) => $$"""
        virtual_server {{address}} 80 {
            delay_loop {{delayLoop}}
            lb_algo rr
            lb_kind DR
            protocol TCP
            real_server 192.0.2.12 8080 {
                weight 1
                TCP_CHECK {
                    connect_timeout 1
                    retry 0
                }
            }
        }

        """;

    [Fact]
    public async Task A_reload_adds_removes_and_replaces_virtual_servers_and_leaves_unchanged_ones_alone()
    {
        NetnsLab.RequireRootAndTools("python3");
        using var lab = NetnsLab.Create(2, output);
        using var backend = lab.Start(lab.Hosts[1].Namespace, "backend", "python3", ["-m", "http.server", "--bind", "192.0.2.12", "8080"]);
        var node = lab.Hosts[0].Start(Daemon.ActorHa, Vs("192.0.2.100", 1) + Vs("192.0.2.101", 1));
        Assert.True(await node.WaitForLineAsync("Activating healthchecker for service [192.0.2.12]:tcp:8080 for VS [192.0.2.101]:tcp:80", TimeSpan.FromSeconds(15)));

        // .100 unchanged (only moved down by a comment), .101 changed (delay_loop), .102 new.
        File.WriteAllText(node.ConfigPath!, "# reloaded\n" + Vs("192.0.2.100", 1) + Vs("192.0.2.101", 2) + Vs("192.0.2.102", 1));
        node.Signal(1);
        Assert.True(await node.WaitForLineAsync("Activating healthchecker for service [192.0.2.12]:tcp:8080 for VS [192.0.2.102]:tcp:80", TimeSpan.FromSeconds(15)));
        Assert.True(await node.WaitForLineAsync("virtual_server 192.0.2.102:80 added by the reload", TimeSpan.FromSeconds(5)));
        Assert.True(await node.WaitForLineAsync("virtual_server 192.0.2.101:80 changed by the reload", TimeSpan.FromSeconds(5)));
        Assert.True(await node.WaitForLineAsync("Shutting down service [192.0.2.12]:tcp:8080 from VS [192.0.2.101]:tcp:80", TimeSpan.FromSeconds(5)));
        Assert.False(node.HasLine("virtual_server 192.0.2.100:80 changed by the reload"));
        Assert.False(node.HasLine("Shutting down service [192.0.2.12]:tcp:8080 from VS [192.0.2.100]:tcp:80"));
        // The replaced one checks again: a second "Activating" for .101.
        Assert.True(await NetnsLab.WaitUntilAsync(
            () => node.Lines.Count(l => l.EndsWith("Activating healthchecker for service [192.0.2.12]:tcp:8080 for VS [192.0.2.101]:tcp:80", StringComparison.Ordinal)) == 2,
            TimeSpan.FromSeconds(10)));

        // .102 removed again.
        File.WriteAllText(node.ConfigPath!, Vs("192.0.2.100", 1) + Vs("192.0.2.101", 2));
        node.Signal(1);
        Assert.True(await node.WaitForLineAsync("virtual_server 192.0.2.102:80 removed by the reload", TimeSpan.FromSeconds(15)));
        Assert.True(await node.WaitForLineAsync("Shutting down service [192.0.2.12]:tcp:8080 from VS [192.0.2.102]:tcp:80", TimeSpan.FromSeconds(5)));
        Assert.False(node.HasLine("Shutting down service [192.0.2.12]:tcp:8080 from VS [192.0.2.100]:tcp:80"));
    }
}
