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
        const string config = """
            virtual_server 192.0.2.100 80 {
                delay_loop 1
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
        var node = lab.Hosts[0].Start(Daemon.ActorHa, config);
        Assert.True(await node.WaitForLineAsync("IPVS: Can't initialize ipvs", TimeSpan.FromSeconds(15)));
        Assert.True(await node.WaitForLineAsync("TCP connection to [192.0.2.12]:tcp:8080 success.", TimeSpan.FromSeconds(15)));

        backend.Signal(9);
        Assert.True(await node.WaitForLineAsync("Removing service [192.0.2.12]:tcp:8080 from VS [192.0.2.100]:tcp:80", TimeSpan.FromSeconds(15)));
        Assert.Equal(1, node.Lines.Count(l => l.Contains("IPVS: Can't initialize ipvs", StringComparison.Ordinal)));
    }
}
